package dev.modaweave.app.runtime;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DirectReplyModelTest {

    private final DirectReplyModel model = new DirectReplyModel();

    private String reply(ChatMessage... messages) {
        AtomicReference<String> text = new AtomicReference<>();
        model.chat(ChatRequest.builder().messages(List.of(messages)).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                text.set(response.aiMessage().text());
            }

            @Override
            public void onError(Throwable error) {
                throw new AssertionError(error);
            }
        });
        return text.get();
    }

    @Test
    void the_first_round_of_every_turn_is_answered_with_the_users_text_and_later_rounds_with_nothing() {
        SystemMessage system = SystemMessage.from("system");
        UserMessage first = UserMessage.from("Modality: [IMAGE] Prompt: a fox");
        assertThat(reply(system, first)).isEqualTo("Modality: [IMAGE] Prompt: a fox");
        AiMessage answer = AiMessage.from("Modality: [IMAGE] Prompt: a fox");
        assertThat(reply(system, first, answer, UserMessage.from("results: img1 is art_…"))).isEmpty();

        UserMessage remembered = UserMessage.from("Modality: [IMAGE] Prompt: a fox");
        UserMessage second = UserMessage.from("Modality: [IMAGE] Prompt: a fox");
        assertThat(reply(system, remembered, answer, second)).as("the same words in a later turn are a new turn")
                .isEqualTo("Modality: [IMAGE] Prompt: a fox");
        assertThat(reply(system, UserMessage.from("(media only)"))).isEmpty();
    }
}
