package dev.modaweave.agent.llm;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class RetryingStreamingChatModelTest {

    /** A streaming model that plays one scripted behaviour per call and counts the calls. */
    private static final class ScriptedModel implements StreamingChatModel {
        final Deque<Consumer<StreamingChatResponseHandler>> script = new ArrayDeque<>();
        int calls;

        ScriptedModel then(Consumer<StreamingChatResponseHandler> behaviour) {
            script.add(behaviour);
            return this;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            calls++;
            script.remove().accept(handler);
        }
    }

    private static RuntimeException serverError(int status) {
        return new InternalServerException(new HttpException(status, "HTTP " + status + " from the test"));
    }

    private static void complete(StreamingChatResponseHandler handler, String text) {
        handler.onPartialResponse(text);
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
    }

    private final FakeRetryScheduler scheduler = new FakeRetryScheduler(Instant.parse("2026-01-01T00:00:00Z"));

    private RetryingStreamingChatModel retrying(ScriptedModel model) {
        return RetryingStreamingChatModel.builder(model).maxRetries(3).scheduler(scheduler).clock(scheduler).build();
    }

    @Test
    void a_500_after_the_first_token_is_passed_on_without_retrying() {
        RuntimeException error = serverError(500);
        ScriptedModel model = new ScriptedModel().then(handler -> {
            handler.onPartialResponse("Here is");
            handler.onError(error);
        });
        RecordingHandler handler = new RecordingHandler();

        retrying(model).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isSameAs(error);
        assertThat(handler.partials).containsExactly("Here is");
        assertThat(model.calls).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void an_error_after_a_complete_tool_call_is_not_retried_either() {
        RuntimeException error = serverError(503);
        ScriptedModel model = new ScriptedModel().then(handler -> {
            handler.onCompleteToolCall(new CompleteToolCall(0,
                    ToolExecutionRequest.builder().id("c1").name("text_to_image").arguments("{}").build()));
            handler.onError(error);
        });
        RecordingHandler handler = new RecordingHandler();

        retrying(model).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isSameAs(error);
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void a_500_before_any_output_is_retried_and_the_caller_sees_only_the_good_attempt() {
        ScriptedModel model = new ScriptedModel()
                .then(handler -> handler.onError(serverError(500)))
                .then(handler -> complete(handler, "fine"));
        RecordingHandler handler = new RecordingHandler();

        retrying(model).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo("fine");
        assertThat(handler.partials).containsExactly("fine");
        assertThat(handler.errors).isEmpty();
        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void a_client_error_is_passed_on_at_once() {
        RuntimeException error = new InvalidRequestException(new HttpException(400, "bad request"));
        ScriptedModel model = new ScriptedModel().then(handler -> handler.onError(error));
        RecordingHandler handler = new RecordingHandler();

        retrying(model).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isSameAs(error);
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void an_exception_thrown_by_the_model_reaches_the_handler() {
        RuntimeException error = new IllegalStateException("model misconfigured");
        ScriptedModel model = new ScriptedModel().then(handler -> {
            throw error;
        });
        RecordingHandler handler = new RecordingHandler();

        retrying(model).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isSameAs(error);
    }

    @Test
    void the_backoff_doubles_up_to_its_cap() {
        ScriptedModel model = new ScriptedModel();
        for (int k = 0; k < 6; k++) {
            model.then(handler -> handler.onError(serverError(502)));
        }
        model.then(handler -> complete(handler, "done"));
        RecordingHandler handler = new RecordingHandler();

        RetryingStreamingChatModel.builder(model).maxRetries(6).maxBackoff(Duration.ofSeconds(4))
                .scheduler(scheduler).clock(scheduler).build()
                .chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo("done");
        assertThat(scheduler.delays).isEqualTo(List.of(Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(4)));
    }
}
