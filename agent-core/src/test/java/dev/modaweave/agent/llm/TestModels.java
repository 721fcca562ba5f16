package dev.modaweave.agent.llm;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.modaweave.agent.llm.LlmConfig.Provider;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Models built by {@link ChatModels} against a local test server, retrying on a {@link FakeRetryScheduler}. */
final class TestModels {

    /** The API key the test models send; it must never show up in an error message. */
    static final String API_KEY = "sk-test-Zq9SECRETkeyValue0042";
    static final String KEY_ENV = "MODAWEAVE_TEST_LLM_KEY";

    final FakeRetryScheduler scheduler = new FakeRetryScheduler(Instant.parse("2026-01-01T00:00:00Z"));

    StreamingChatModel openAi(String baseUrl, int maxRetries, Duration timeout) {
        return build(LlmConfig.builder().provider(Provider.OPENAI).baseUrl(baseUrl + "/v1"), maxRetries, timeout);
    }

    StreamingChatModel ollama(String baseUrl, int maxRetries, Duration timeout) {
        return build(LlmConfig.builder().provider(Provider.OLLAMA).baseUrl(baseUrl), maxRetries, timeout);
    }

    private StreamingChatModel build(LlmConfig.Builder config, int maxRetries, Duration timeout) {
        LlmConfig llm = config.model(StreamFixtures.MODEL).apiKeyEnv(KEY_ENV).timeout(timeout)
                .maxRetries(maxRetries).build();
        return RetryingStreamingChatModel.builder(ChatModels.undecorated(llm, Map.of(KEY_ENV, API_KEY)::get))
                .maxRetries(llm.maxRetries())
                .scheduler(scheduler)
                .clock(scheduler)
                .build();
    }

    static ChatRequest ask(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text)).build();
    }
}
