package dev.modaweave.agent.llm.internal;

import dev.langchain4j.http.client.HttpClientBuilder;

import java.time.Duration;

/**
 * Builds a {@link StreamingHttpClient}. LangChain4j's model builders call
 * {@link #connectTimeout(Duration)} and {@link #readTimeout(Duration)}; the secret and the hint are set
 * by {@code ChatModels}.
 */
public final class StreamingHttpClientBuilder implements HttpClientBuilder {

    private Duration connectTimeout;
    private Duration readTimeout;
    private String secret;
    private String authHint;

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public StreamingHttpClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Time allowed until the response headers arrive, and between two chunks of a stream. */
    @Override
    public StreamingHttpClientBuilder readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    String secret() {
        return secret;
    }

    /** A value that must never appear in an error message (the API key); it is replaced by {@code ***}. */
    public StreamingHttpClientBuilder secret(String secret) {
        this.secret = secret;
        return this;
    }

    String authHint() {
        return authHint;
    }

    /** What to tell the user when the server answers 401 or 403. */
    public StreamingHttpClientBuilder authHint(String authHint) {
        this.authHint = authHint;
        return this;
    }

    @Override
    public StreamingHttpClient build() {
        return new StreamingHttpClient(this);
    }
}
