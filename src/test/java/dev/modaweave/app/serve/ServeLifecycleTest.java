package dev.modaweave.app.serve;

import dev.modaweave.app.runtime.AgentRuntime;
import dev.modaweave.tools.testing.ScriptedTool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bearer-token auth and graceful shutdown, each on a server of its own. */
@Timeout(180)
class ServeLifecycleTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void with_a_token_the_api_needs_it_while_health_and_the_playground_stay_open(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withToken("s3cret-token"), AgentRuntime.builder())) {
            int port = server.port();
            assertThat(get(port, "/health").statusCode()).isEqualTo(200);
            assertThat(get(port, "/").body()).contains("Modaweave playground");

            for (String path : List.of("/v1/tools", "/ready", "/metrics", "/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa")) {
                HttpResponse<String> none = get(port, path);
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                assertThat(new JsonObject(none.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
                assertThat(get(port, path, "Authorization", "Bearer s3cret-tokeN").statusCode()).as(path).isEqualTo(401);
            }
            assertThat(get(port, "/v1/tools", "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(get(port, "/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa?access_token=s3cret-token").statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns?access_token=s3cret-token"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("a query token is for GET only").isEqualTo(401);

            Vertx vertx = Vertx.vertx();
            try {
                var client = vertx.createWebSocketClient();
                assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/eventbus/websocket")).await(10, TimeUnit.SECONDS)).hasMessageContaining("401");
                var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/eventbus/websocket?access_token=s3cret-token")).await(10, TimeUnit.SECONDS);
                ws.close().await(5, TimeUnit.SECONDS);
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Answers the first round when the test says so, later rounds with nothing. */
    static final class HeldModel implements StreamingChatModel {
        final CompletableFuture<StreamingChatResponseHandler> held = new CompletableFuture<>();

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            if (!held.complete(handler)) {
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("")).build());
            }
        }

        void release(String text) throws Exception {
            StreamingChatResponseHandler handler = held.get(60, TimeUnit.SECONDS);
            handler.onPartialResponse(text);
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
        }
    }

    @Test
    void a_busy_session_is_refused_and_closing_refuses_new_turns_but_lets_the_running_one_finish(@TempDir Path store) throws Exception {
        HeldModel model = new HeldModel();
        ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder().model(model));
        int port = server.port();
        URI turns = URI.create("http://127.0.0.1:" + port + "/v1/turns");
        CompletableFuture<HttpResponse<Stream<String>>> running = http.sendAsync(HttpRequest.newBuilder(turns)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"a\",\"message\":{\"text\":\"hello\"}}")).build(),
                HttpResponse.BodyHandlers.ofLines());
        model.held.get(60, TimeUnit.SECONDS);

        HttpResponse<String> busy = http.send(HttpRequest.newBuilder(turns)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"a\",\"message\":{\"text\":\"me too\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(busy.body()).getJsonObject("error").getString("code")).isEqualTo("session_busy");

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
        JsonObject readiness;
        do {
            readiness = new JsonObject(get(port, "/ready").body());
        } while (readiness.getJsonObject("checks").getBoolean("acceptingTurns"));
        assertThat(readiness.getBoolean("ready")).isFalse();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(turns)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"b\",\"message\":{\"text\":\"too late\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        assertThat(closed).isNotDone();

        model.release("Finishing: <meta>{\"id\":\"i\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a last light\"}}</meta>");
        List<JsonObject> events = running.get(60, TimeUnit.SECONDS).body().filter(l -> l.startsWith("data: "))
                .map(l -> new JsonObject(l.substring(6))).toList();
        assertThat(events).extracting(e -> e.getString("type")).contains("artifact").last().isEqualTo("turn_done");
        closed.get(60, TimeUnit.SECONDS);
        assertThatThrownBy(() -> get(port, "/health")).isInstanceOf(java.io.IOException.class);
    }

    private static final String SLOW_CALL = "Slowly: <meta>{\"id\":\"s\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a slow tide\"}}</meta>";

    /** A tool that blocks until released or cancelled, counting the calls that reached it. */
    static final class SlowTool {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(2);
        final CountDownLatch entered;
        final ScriptedTool tool;

        SlowTool(int calls) {
            entered = new CountDownLatch(calls);
            tool = new ScriptedTool(ScriptedTool.imageDescriptor("slow-painter", 4), (r, p, n) -> {
                r.cancellation().onCancel(cancelled::countDown);
                entered.countDown();
                while (!release.await(5, TimeUnit.MILLISECONDS) && !r.cancellation().isCancelled()) {
                    Thread.onSpinWait();
                }
                r.cancellation().throwIfCancelled();
                return ScriptedTool.png();
            });
        }
    }

    /** A SockJS bridge client: raw frames in a queue. */
    record BridgeClient(Vertx vertx, WebSocket ws, BlockingQueue<JsonObject> frames) {
        static BridgeClient connect(int port) throws Exception {
            Vertx vertx = Vertx.vertx();
            WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/eventbus/websocket")).await(10, TimeUnit.SECONDS);
            BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
            ws.handler(frame -> frames.add(frame.toJsonObject()));
            return new BridgeClient(vertx, ws, frames);
        }

        void turn(String sessionId, String text, String replyAddress) {
            ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "modaweave.session." + sessionId).encode());
            ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "modaweave.agent").put("replyAddress", replyAddress)
                    .put("body", new JsonObject().put("sessionId", sessionId).put("message", new JsonObject().put("text", text))).encode());
        }

        /** The bodies of the frames sent to {@code address}, up to and including the first that {@code last} accepts. */
        List<JsonObject> until(String address, java.util.function.Predicate<JsonObject> last) throws InterruptedException {
            List<JsonObject> bodies = new java.util.ArrayList<>();
            while (true) {
                JsonObject frame = frames.poll(60, TimeUnit.SECONDS);
                assertThat(frame).as("a bridge frame for " + address + " within 60 s; so far " + bodies).isNotNull();
                if (address.equals(frame.getString("address"))) {
                    bodies.add(frame.getJsonObject("body"));
                    if (last.test(frame.getJsonObject("body"))) {
                        return bodies;
                    }
                }
            }
        }

        void close() throws Exception {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private CompletableFuture<HttpResponse<Stream<String>>> httpTurn(int port, String sessionId, String text) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns"))
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sessionId", sessionId)
                        .put("message", new JsonObject().put("text", text)).encode())).build(), HttpResponse.BodyHandlers.ofLines());
    }

    private static List<JsonObject> events(CompletableFuture<HttpResponse<Stream<String>>> response) throws Exception {
        return response.get(60, TimeUnit.SECONDS).body().filter(l -> l.startsWith("data: ")).map(l -> new JsonObject(l.substring(6))).toList();
    }

    private static boolean isLast(JsonObject event) {
        return List.of("turn_done", "turn_failed").contains(event.getString("type"));
    }

    /** A server over a {@link SlowTool} with one turn in it over the bridge ({@code bridge-a}) and one over HTTP ({@code http-a}). */
    private final class TwoSlowTurns implements AutoCloseable {
        final SlowTool slow = new SlowTool(2);
        final ServeServer server;
        final BridgeClient bridge;
        final CompletableFuture<HttpResponse<Stream<String>>> overHttp;

        TwoSlowTurns(Path store, Duration drainTimeout) throws Exception {
            server = ServeServer.start(ServeOptions.local(0, store).withDrainTimeout(drainTimeout), AgentRuntime.builder().tools(List.of(slow.tool)));
            bridge = BridgeClient.connect(server.port());
            bridge.turn("bridge-a", SLOW_CALL, "r1");
            assertThat(bridge.until("r1", b -> true).get(0).getBoolean("accepted")).isTrue();
            overHttp = httpTurn(server.port(), "http-a", SLOW_CALL);
            assertThat(slow.entered.await(60, TimeUnit.SECONDS)).as("both turns reached the tool").isTrue();
        }

        @Override
        public void close() throws Exception {
            try {
                bridge.close();
            } finally {
                server.close();
            }
        }
    }

    @Test
    void closing_lets_running_bridge_and_http_turns_finish_and_refuses_late_turns_over_both(@TempDir Path store) throws Exception {
        try (TwoSlowTurns turns = new TwoSlowTurns(store, Duration.ofMinutes(2))) {
            int port = turns.server.port();
            BridgeClient bridge = turns.bridge;
            CompletableFuture<Void> closed = CompletableFuture.runAsync(turns.server::close);
            while (new JsonObject(get(port, "/ready").body()).getJsonObject("checks").getBoolean("acceptingTurns")) {
                Thread.onSpinWait();
            }
            bridge.turn("bridge-late", "too late", "r2");
            JsonObject refusal = bridge.until("r2", b -> true).get(0);
            assertThat(refusal.getBoolean("accepted")).isFalse();
            assertThat(refusal.getJsonObject("error").getString("code")).isEqualTo("shutting_down");
            HttpResponse<String> late = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"http-late\",\"message\":{\"text\":\"too late\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(late.body()).getJsonObject("error").getString("code")).isEqualTo("shutting_down");
            assertThat(closed).as("the running turns hold the shutdown").isNotDone();

            turns.slow.release.countDown();
            List<JsonObject> overBridge = bridge.until("modaweave.session.bridge-a", ServeLifecycleTest::isLast);
            assertThat(overBridge).extracting(e -> e.getString("type")).contains("artifact").last().isEqualTo("turn_done");
            assertThat(events(turns.overHttp)).extracting(e -> e.getString("type")).contains("artifact").last().isEqualTo("turn_done");
            closed.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void turns_still_running_after_the_drain_timeout_are_cancelled_and_every_caller_gets_its_last_event(@TempDir Path store) throws Exception {
        try (TwoSlowTurns turns = new TwoSlowTurns(store, Duration.ofMillis(300))) {
            turns.server.close();

            for (List<JsonObject> events : List.of(turns.bridge.until("modaweave.session.bridge-a", ServeLifecycleTest::isLast),
                    events(turns.overHttp))) {
                JsonObject last = events.get(events.size() - 1);
                assertThat(last.getString("type")).as(events.toString()).isEqualTo("turn_failed");
                assertThat(last.getJsonObject("error").getString("code")).isEqualTo("cancelled");
                assertThat(last.getJsonObject("error").getString("message")).contains("shutting down");
                assertThat(events).extracting(e -> e.getString("type")).contains("call_failed");
            }
            assertThat(turns.slow.cancelled.await(60, TimeUnit.SECONDS)).as("both tool calls were cancelled").isTrue();
        }
    }
}
