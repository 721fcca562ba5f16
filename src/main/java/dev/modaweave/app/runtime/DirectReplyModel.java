package dev.modaweave.app.runtime;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for an LLM when none is configured: the first round of every turn is answered with the
 * user's own text, so the meta-responses written in it run through the whole pipeline (parser,
 * validator, dispatcher, tools); later rounds of the turn (tool results, repairs) are answered with
 * nothing. It does not understand requests; it only executes them.
 *
 * <p>A round is the first of its turn when its request holds none of the user messages answered
 * before: the agent keeps the message it built for the turn (the same instance) in every later
 * round's request, while a session's memory holds copies. One instance serves any number of sessions.
 */
public final class DirectReplyModel implements StreamingChatModel {

    private final List<WeakReference<ChatMessage>> answered = new ArrayList<>();

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        String text = reply(request.messages());
        if (!text.isEmpty()) {
            handler.onPartialResponse(text);
        }
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
    }

    private synchronized String reply(List<ChatMessage> messages) {
        answered.removeIf(ref -> ref.get() == null);
        for (ChatMessage m : messages) {
            for (WeakReference<ChatMessage> ref : answered) {
                if (ref.get() == m) {
                    return "";
                }
            }
        }
        if (messages.isEmpty() || !(messages.get(messages.size() - 1) instanceof UserMessage user)) {
            return "";
        }
        answered.add(new WeakReference<>(user));
        return user.contents().stream().filter(TextContent.class::isInstance).findFirst()
                .map(c -> ((TextContent) c).text()).filter(t -> !t.equals("(media only)")).orElse("");
    }
}
