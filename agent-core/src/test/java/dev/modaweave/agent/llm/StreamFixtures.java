package dev.modaweave.agent.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.modaweave.tools.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * Real-shaped LLM provider streams for tests, built from the text deltas a test wants the model to
 * "say" (so a reply can be scripted to split a {@code <meta>…</meta>} anywhere). Each stream comes as
 * a list of chunks (one SSE event or one NDJSON line each; {@link ScriptedStreamServer} writes them one
 * by one and can drop the connection or hold the stream open after any of them) and as a whole body
 * for WireMock.
 *
 * <ul>
 *   <li>{@link #openAiChunks(List)}: OpenAI chat-completions SSE — a role chunk, one
 *       {@code chat.completion.chunk} per delta, a chunk with {@code finish_reason: "stop"}, the usage
 *       chunk ({@code stream_options.include_usage}), {@code data: [DONE]};</li>
 *   <li>{@link #openAiToolCallChunks(List)}: streamed tool calls — {@code delta.tool_calls} with
 *       {@code index}, {@code id}, {@code type: "function"}, the name in the first delta and the
 *       arguments split over the following ones, then {@code finish_reason: "tool_calls"};</li>
 *   <li>{@link #ollamaChunks(List)}: Ollama {@code /api/chat} NDJSON — one {@code "done":false} line
 *       per delta, then {@code "done":true,"done_reason":"stop"} with the timing counters.</li>
 * </ul>
 */
public final class StreamFixtures {

    /** Model name written into the fixtures. */
    public static final String MODEL = "test-model";
    /** The {@code id} of every OpenAI chunk of one fixture stream. */
    public static final String COMPLETION_ID = "chatcmpl-9x7Kfixture";
    /** SSE content type. */
    public static final String SSE = "text/event-stream";
    /** Ollama's streaming content type. */
    public static final String NDJSON = "application/x-ndjson";

    private static final long CREATED = 1_767_225_600L;

    /** One streamed tool call: the id, the function name and its JSON arguments split into parts. */
    public record ToolCallScript(String id, String name, List<String> argumentParts) {
        public ToolCallScript {
            argumentParts = List.copyOf(argumentParts);
        }

        /** The arguments the parts add up to. */
        public String arguments() {
            return String.join("", argumentParts);
        }
    }

    /** SSE events of an OpenAI chat-completions stream saying {@code deltas}, ending regularly. */
    public static List<String> openAiChunks(List<String> deltas) {
        List<String> chunks = new ArrayList<>();
        ObjectNode role = Json.object().put("role", "assistant").put("content", "");
        chunks.add(sse(openAiChunk(role, null)));
        for (String delta : deltas) {
            chunks.add(sse(openAiChunk(Json.object().put("content", delta), null)));
        }
        chunks.add(sse(openAiChunk(Json.object(), "stop")));
        chunks.add(sse(usageChunk(12, deltas.size())));
        chunks.add(sse("[DONE]"));
        return chunks;
    }

    /** The whole SSE body of {@link #openAiChunks(List)}. */
    public static String openAiSse(List<String> deltas) {
        return String.join("", openAiChunks(deltas));
    }

    /** SSE events of an OpenAI stream in which the model calls tools (no text), ending regularly. */
    public static List<String> openAiToolCallChunks(List<ToolCallScript> calls) {
        List<String> chunks = new ArrayList<>();
        chunks.add(sse(openAiChunk(Json.object().put("role", "assistant").putNull("content"), null)));
        for (int index = 0; index < calls.size(); index++) {
            ToolCallScript call = calls.get(index);
            ObjectNode first = Json.object().put("index", index).put("id", call.id()).put("type", "function");
            first.putObject("function").put("name", call.name()).put("arguments", "");
            chunks.add(sse(openAiChunk(toolCallDelta(first), null)));
            for (String part : call.argumentParts()) {
                ObjectNode next = Json.object().put("index", index);
                next.putObject("function").put("arguments", part);
                chunks.add(sse(openAiChunk(toolCallDelta(next), null)));
            }
        }
        chunks.add(sse(openAiChunk(Json.object(), "tool_calls")));
        chunks.add(sse(usageChunk(40, calls.size() * 8)));
        chunks.add(sse("[DONE]"));
        return chunks;
    }

    /**
     * Like {@link #openAiToolCallChunks(List)}, but as some OpenAI-compatible servers stream: no {@code index}
     * on any delta, only the first delta of each call carrying its id.
     */
    public static List<String> openAiToolCallChunksWithoutIndices(List<ToolCallScript> calls) {
        List<String> chunks = new ArrayList<>();
        chunks.add(sse(openAiChunk(Json.object().put("role", "assistant").putNull("content"), null)));
        for (ToolCallScript call : calls) {
            ObjectNode first = Json.object().put("id", call.id()).put("type", "function");
            first.putObject("function").put("name", call.name()).put("arguments", "");
            chunks.add(sse(openAiChunk(toolCallDelta(first), null)));
            for (String part : call.argumentParts()) {
                ObjectNode next = Json.object();
                next.putObject("function").put("arguments", part);
                chunks.add(sse(openAiChunk(toolCallDelta(next), null)));
            }
        }
        chunks.add(sse(openAiChunk(Json.object(), "tool_calls")));
        chunks.add(sse("[DONE]"));
        return chunks;
    }

    /**
     * NDJSON lines of an Ollama {@code /api/chat} stream in which the model makes the given calls (name, JSON
     * arguments) in one message, as Ollama sends them: whole calls, no ids, no indices.
     */
    public static List<String> ollamaToolCallChunks(List<Map.Entry<String, String>> calls) {
        Instant at = Instant.ofEpochSecond(CREATED);
        ObjectNode line = Json.object().put("model", MODEL).put("created_at", at.toString());
        ObjectNode message = line.putObject("message").put("role", "assistant").put("content", "");
        ArrayNode toolCalls = message.putArray("tool_calls");
        for (Map.Entry<String, String> call : calls) {
            toolCalls.addObject().putObject("function").put("name", call.getKey()).set("arguments", Json.parse(call.getValue()));
        }
        line.put("done", false);
        ObjectNode last = Json.object().put("model", MODEL).put("created_at", at.plusMillis(6).toString());
        last.putObject("message").put("role", "assistant").put("content", "");
        last.put("done_reason", "stop").put("done", true).put("eval_count", calls.size());
        return List.of(Json.write(line) + "\n", Json.write(last) + "\n");
    }

    /** The whole SSE body of {@link #openAiToolCallChunks(List)}. */
    public static String openAiToolCallSse(List<ToolCallScript> calls) {
        return String.join("", openAiToolCallChunks(calls));
    }

    /** NDJSON lines of an Ollama {@code /api/chat} stream saying {@code deltas}, ending regularly. */
    public static List<String> ollamaChunks(List<String> deltas) {
        List<String> lines = new ArrayList<>();
        Instant at = Instant.ofEpochSecond(CREATED);
        for (String delta : deltas) {
            at = at.plusMillis(6);
            ObjectNode line = Json.object().put("model", MODEL).put("created_at", at.toString());
            line.putObject("message").put("role", "assistant").put("content", delta);
            line.put("done", false);
            lines.add(Json.write(line) + "\n");
        }
        ObjectNode last = Json.object().put("model", MODEL).put("created_at", at.plusMillis(6).toString());
        last.putObject("message").put("role", "assistant").put("content", "");
        last.put("done_reason", "stop").put("done", true)
                .put("total_duration", 181_553_584L).put("load_duration", 27_906_292L)
                .put("prompt_eval_count", 36).put("prompt_eval_duration", 109_000_000L)
                .put("eval_count", deltas.size()).put("eval_duration", 42_000_000L);
        lines.add(Json.write(last) + "\n");
        return lines;
    }

    /** The whole NDJSON body of {@link #ollamaChunks(List)}. */
    public static String ollamaNdjson(List<String> deltas) {
        return String.join("", ollamaChunks(deltas));
    }

    /** A WireMock 200 response streaming {@code deltas} as OpenAI SSE. */
    public static ResponseDefinitionBuilder openAiResponse(List<String> deltas) {
        return aResponse().withStatus(200).withHeader("Content-Type", SSE).withBody(openAiSse(deltas));
    }

    /** A WireMock 200 response streaming tool calls as OpenAI SSE. */
    public static ResponseDefinitionBuilder openAiToolCallResponse(List<ToolCallScript> calls) {
        return aResponse().withStatus(200).withHeader("Content-Type", SSE).withBody(openAiToolCallSse(calls));
    }

    /** A WireMock 200 response streaming {@code deltas} as Ollama NDJSON. */
    public static ResponseDefinitionBuilder ollamaResponse(List<String> deltas) {
        return aResponse().withStatus(200).withHeader("Content-Type", NDJSON).withBody(ollamaNdjson(deltas));
    }

    /** An OpenAI-style error body, as servers send with 4xx/5xx. */
    public static String openAiError(String message, String type, String code) {
        ObjectNode root = Json.object();
        root.putObject("error").put("message", message).put("type", type).put("code", code).putNull("param");
        return Json.write(root);
    }

    private static ObjectNode toolCallDelta(ObjectNode toolCall) {
        ObjectNode delta = Json.object();
        ArrayNode calls = delta.putArray("tool_calls");
        calls.add(toolCall);
        return delta;
    }

    private static String openAiChunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkHeader();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return Json.write(chunk);
    }

    private static String usageChunk(int promptTokens, int completionTokens) {
        ObjectNode chunk = chunkHeader();
        chunk.putArray("choices");
        chunk.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return Json.write(chunk);
    }

    private static ObjectNode chunkHeader() {
        return Json.object().put("id", COMPLETION_ID).put("object", "chat.completion.chunk").put("created", CREATED)
                .put("model", MODEL).put("system_fingerprint", "fp_fixture");
    }

    private static String sse(String data) {
        return "data: " + data + "\n\n";
    }

    private StreamFixtures() {
    }
}
