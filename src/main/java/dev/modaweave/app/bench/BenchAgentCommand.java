package dev.modaweave.app.bench;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.Agent;
import dev.modaweave.agent.AgentEvents;
import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.agent.UserInput;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.cluster.BenchmarkTools;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code modaweave bench agent}: one turn of a scripted LLM that streams at a fixed token rate a
 * reply with three independent meta-responses spread through the text and one dependent edit, over
 * tools that sleep fixed times. Compares the agent (dispatch as soon as a call is complete) with the
 * lower bound and with the parse-after-the-answer, one-call-at-a-time baseline of ModaVerse and
 * HuggingGPT, measured on the same dispatcher and tools.
 */
@Command(name = "agent",
        mixinStandardHelpOptions = true,
        description = {
                "Measure early dispatch: prints {\"turn_ms\":…,\"critical_path_ms\":…,\"sequential_ms\":…, …}.",
                "critical_path_ms is the lower bound: for each call, the stream time up to its closing delimiter plus",
                "its chain of tools; sequential_ms is measured by parsing after the answer and running the calls one",
                "at a time. Goals: turn_ms ≤ 1.05 × critical_path_ms and sequential_ms / turn_ms ≥ 2.5."})
public final class BenchAgentCommand implements Callable<Integer> {

    @Option(names = "--token-ms", defaultValue = "20", description = "Time per streamed token of about 4 characters (default: ${DEFAULT-VALUE} ms, 50 tokens/s).")
    int tokenMs;

    @Option(names = "--image-ms", defaultValue = "2000", description = "text-to-image duration (default: ${DEFAULT-VALUE}).")
    int imageMs;

    @Option(names = "--video-ms", defaultValue = "3000", description = "text-to-video duration (default: ${DEFAULT-VALUE}).")
    int videoMs;

    @Option(names = "--audio-ms", defaultValue = "2000", description = "text-to-audio duration (default: ${DEFAULT-VALUE}).")
    int audioMs;

    @Option(names = "--edit-ms", defaultValue = "2000", description = "image-edit duration (default: ${DEFAULT-VALUE}).")
    int editMs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final String REPLY_TEMPLATE = String.join("",
            "Let me put this together for you. First the harbour at dawn, ",
            "<meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a fishing harbour at dawn, mist, watercolour\"}}</meta>",
            " then a short clip of the boats leaving, ",
            "<meta>{\"id\":\"vid1\",\"task\":\"text-to-video\",\"args\":{\"prompt\":\"fishing boats leaving a misty harbour at dawn\"}}</meta>",
            " and the sound of gulls and water, ",
            "<meta>{\"id\":\"snd1\",\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"seagulls and lapping water in a quiet harbour\"}}</meta>",
            " and finally a warmer version of the picture. ",
            "<meta>{\"id\":\"img2\",\"task\":\"image-edit\",\"args\":{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"warm golden sunrise light\"}}</meta>",
            " While those are being made, a few words on the scene: harbours at dawn are quiet, the light is soft and",
            " low, the water is still, and the first boats go out before the wind rises. The mist lifts slowly and",
            " the colours change from grey to gold within minutes, which is why painters love this hour.");

    @Override
    public Integer call() throws Exception {
        if (tokenMs < 1 || imageMs < 0 || videoMs < 0 || audioMs < 0 || editMs < 0) {
            throw new UsageException("durations must not be negative and --token-ms must be at least 1");
        }
        List<String> tokens = tokens(REPLY_TEMPLATE);
        Map<String, Integer> durations = Map.of("text-to-image", imageMs, "text-to-video", videoMs, "text-to-audio", audioMs, "image-edit", editMs);
        long critical = criticalPath(tokens, durations);

        Path dir = Files.createTempDirectory("modaweave-bench-agent");
        Vertx vertx = Vertx.vertx();
        try {
            var store = FileSystemArtifactStore.open(dir);
            var registry = ToolRegistry.create();
            registry.attach(vertx).await(10, TimeUnit.SECONDS);
            for (var entry : durations.entrySet()) {
                GeneratorTool tool = BenchmarkTools.sleeping(entry.getKey(), entry.getValue());
                registry.register(tool);
                vertx.deployVerticle(ToolWorker.of(tool, store)).await(10, TimeUnit.SECONDS);
            }
            vertx.deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);

            StreamingChatModel model = new TimedModel(tokens, tokenMs);
            Agent agent = Agent.builder().vertx(vertx).model(model).catalog(registry).store(store).build().start().await(10, TimeUnit.SECONDS);
            runAgentTurn(agent, "warmup");
            long turnMs = runAgentTurn(agent, "measured");
            long sequentialMs = runSequential(vertx, tokens);

            JsonObject line = new JsonObject()
                    .put("turn_ms", turnMs)
                    .put("critical_path_ms", critical)
                    .put("sequential_ms", sequentialMs)
                    .put("turn_over_critical", round((double) turnMs / critical))
                    .put("sequential_over_turn", round((double) sequentialMs / turnMs))
                    .put("stream_ms", (long) tokens.size() * tokenMs)
                    .put("tokens", tokens.size());
            spec.commandLine().getOut().println(line.encode());
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
            deleteTree(dir);
        }
    }

    private long runAgentTurn(Agent agent, String session) throws Exception {
        long start = System.nanoTime();
        JsonObject last = agent.turn(session, UserInput.text("a harbour at dawn"), e -> { }).await(120, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!AgentEvents.TURN_DONE.equals(last.getString("type")) || last.getJsonArray("artifacts").size() != 4) {
            throw new IllegalStateException("the benchmark turn did not produce its 4 artifacts: " + last.encode());
        }
        return ms;
    }

    /** Streams the whole answer, then parses it and runs the calls one at a time through the same dispatcher. */
    private long runSequential(Vertx vertx, List<String> tokens) throws Exception {
        long start = System.nanoTime();
        Thread.sleep((long) tokens.size() * tokenMs);
        List<MetaResponse> calls = new ArrayList<>();
        for (ParseEvent e : MetaResponseParser.parseAll(String.join("", tokens))) {
            if (e instanceof ParseEvent.Meta m) {
                calls.add(m.call());
            }
        }
        Map<String, String> artifacts = new HashMap<>();
        int k = 0;
        for (MetaResponse call : calls) {
            var args = call.args().deepCopy();
            call.references().forEach(ref -> args.put("image", artifacts.get(ref)));
            JsonObject request = new JsonObject().put("action", "dispatch").put("requestId", "seq" + k).put("turnId", "seq" + k++)
                    .put("await", true).put("knownArtifacts", new JsonArray(new ArrayList<>(artifacts.values())))
                    .put("calls", new JsonArray().add(new JsonObject().put("id", call.id()).put("task", call.task())
                            .put("args", new JsonObject(Json.write(args)))));
            JsonObject reply = vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request, new DeliveryOptions().setSendTimeout(60_000))
                    .await(60, TimeUnit.SECONDS).body();
            JsonObject outcome = reply.getJsonArray("outcomes", new JsonArray()).getJsonObject(0);
            if (outcome == null || outcome.getString("artifactId") == null) {
                throw new IllegalStateException("sequential baseline call " + call.id() + " failed: " + reply.encode());
            }
            artifacts.put(call.id(), outcome.getString("artifactId"));
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Lower bound: every call starts when its closing delimiter has streamed and its inputs exist. */
    private long criticalPath(List<String> tokens, Map<String, Integer> durations) {
        Map<String, Long> done = new HashMap<>();
        long end = (long) tokens.size() * tokenMs;
        StringBuilder streamed = new StringBuilder();
        MetaResponseParser parser = new MetaResponseParser();
        for (int t = 0; t < tokens.size(); t++) {
            streamed.append(tokens.get(t));
            long arrival = (long) (t + 1) * tokenMs;
            for (ParseEvent e : parser.feed(tokens.get(t))) {
                if (e instanceof ParseEvent.Meta m) {
                    long ready = arrival;
                    for (String ref : m.call().references()) {
                        ready = Math.max(ready, done.get(ref));
                    }
                    done.put(m.call().id(), ready + durations.get(m.call().task()));
                }
            }
        }
        return Math.max(end, done.values().stream().max(Comparator.naturalOrder()).orElse(0L));
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 4) {
            out.add(text.substring(i, Math.min(text.length(), i + 4)));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temporary directory left behind is not worth failing the benchmark for
        }
    }

    /** A scripted LLM: the first request gets the reply at one token per interval, later ones nothing. */
    static final class TimedModel implements StreamingChatModel {
        private final List<String> tokens;
        private final int tokenMs;

        TimedModel(List<String> tokens, int tokenMs) {
            this.tokens = tokens;
            this.tokenMs = tokenMs;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            boolean continuation = request.messages().size() > 2
                    && request.messages().get(request.messages().size() - 1).toString().contains("Results of your calls");
            Thread thread = new Thread(() -> {
                try {
                    long start = System.nanoTime();
                    if (!continuation) {
                        for (int t = 0; t < tokens.size(); t++) {
                            long due = start + TimeUnit.MILLISECONDS.toNanos((long) (t + 1) * tokenMs);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                            handler.onPartialResponse(tokens.get(t));
                        }
                    }
                    handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(continuation ? "" : String.join("", tokens))).build());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    handler.onError(e);
                }
            }, "bench-llm");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
