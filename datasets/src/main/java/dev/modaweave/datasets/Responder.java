package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.modaweave.agent.Dialect;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The model under evaluation: given the conversation, it answers with text (which may hold
 * meta-responses in any dialect the parser reads) and possibly native tool calls. Any LangChain4j
 * {@link ChatModel} or {@link StreamingChatModel} fits, the embedded planner included.
 */
@FunctionalInterface
public interface Responder {

    /** Answers {@code messages}; may throw when the model fails (the evaluation counts it). */
    Answer answer(List<ChatMessage> messages);

    /**
     * A model's answer.
     *
     * @param text        the text, possibly empty
     * @param nativeCalls tool calls the chat API returned natively, as meta-responses
     * @param problems    native tool calls that could not be read, with the reason
     */
    record Answer(String text, List<MetaResponse> nativeCalls, List<String> problems) {
        public Answer {
            text = text == null ? "" : text;
            nativeCalls = List.copyOf(nativeCalls);
            problems = List.copyOf(problems);
        }

        /** A text answer. */
        public static Answer text(String text) {
            return new Answer(text, List.of(), List.of());
        }
    }

    /** A blocking chat model. */
    static Responder of(ChatModel model) {
        return messages -> toAnswer(model.chat(ChatRequest.builder().messages(messages).build()));
    }

    /** A streaming chat model (the agent's providers, the embedded planner), waited for at most {@code timeout}. */
    static Responder of(StreamingChatModel model, Duration timeout) {
        return of(LlmConfigFiles.blocking(model, timeout));
    }

    private static Answer toAnswer(ChatResponse response) {
        AiMessage ai = response.aiMessage();
        List<MetaResponse> calls = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (ai != null && ai.hasToolExecutionRequests()) {
            int n = 0;
            for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                n++;
                String id = request.id() != null && MetaResponse.ID.matcher(request.id()).matches() ? request.id() : "call" + n;
                try {
                    JsonNode args = Json.parse(request.arguments() == null || request.arguments().isBlank() ? "{}"
                            : request.arguments());
                    if (!args.isObject()) {
                        throw new IllegalArgumentException("arguments are not a JSON object");
                    }
                    calls.add(new MetaResponse(id, request.name(), null, (ObjectNode) args, Dialect.NATIVE));
                } catch (IllegalArgumentException e) {
                    problems.add("tool call " + id + " (" + request.name() + "): " + e.getMessage());
                }
            }
        }
        return new Answer(ai == null ? "" : ai.text(), calls, problems);
    }
}
