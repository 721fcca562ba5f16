package dev.modaweave.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A fake streaming LLM: for each request (round) it plays a script of text deltas, tool calls,
 * pauses on latches and failures on its own thread, like a real HTTP stream would.
 */
final class ScriptedStreamingModel implements StreamingChatModel {

    /** One step of a reply. */
    sealed interface Step {
    }

    record Text(String delta) implements Step {
    }

    record ToolCall(String id, String name, String arguments) implements Step {
    }

    record Await(CountDownLatch latch) implements Step {
    }

    record Pause(long millis) implements Step {
    }

    record Fail(RuntimeException error) implements Step {
    }

    private final BiFunction<ChatRequest, Integer, List<Step>> script;
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    ScriptedStreamingModel(BiFunction<ChatRequest, Integer, List<Step>> script) {
        this.script = script;
    }

    /** Replies with the given texts, one per round, each cut into deltas of {@code chunk} characters; then nothing. */
    static ScriptedStreamingModel replies(int chunk, String... replies) {
        return new ScriptedStreamingModel((request, round) -> round < replies.length ? deltas(replies[round], chunk) : List.of());
    }

    static List<Step> deltas(String text, int chunk) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < text.length(); i += chunk) {
            steps.add(new Text(text.substring(i, Math.min(text.length(), i + chunk))));
        }
        return steps;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        int round = requests.size();
        requests.add(request);
        List<Step> steps = script.apply(request, round);
        Thread thread = new Thread(() -> play(steps, handler), "scripted-llm-" + round);
        thread.setDaemon(true);
        thread.start();
    }

    private static void play(List<Step> steps, StreamingChatResponseHandler handler) {
        StringBuilder text = new StringBuilder();
        List<ToolExecutionRequest> tools = new ArrayList<>();
        try {
            for (Step step : steps) {
                if (step instanceof Text t) {
                    text.append(t.delta());
                    handler.onPartialResponse(t.delta());
                } else if (step instanceof ToolCall c) {
                    ToolExecutionRequest request = ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build();
                    tools.add(request);
                    handler.onCompleteToolCall(new CompleteToolCall(tools.size() - 1, request));
                } else if (step instanceof Await a) {
                    if (!a.latch().await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("scripted stream waited 30 s for the test");
                    }
                } else if (step instanceof Pause p) {
                    Thread.sleep(p.millis());
                } else if (step instanceof Fail f) {
                    handler.onError(f.error());
                    return;
                }
            }
            AiMessage ai = tools.isEmpty() ? AiMessage.from(text.toString())
                    : text.isEmpty() ? AiMessage.from(tools) : AiMessage.from(text.toString(), tools);
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(ai).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handler.onError(e);
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }
}
