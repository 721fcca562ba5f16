package dev.modaweave.agent.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.modaweave.agent.llm.LlmStreamException;
import dev.modaweave.tools.Json;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LangChain4j {@link HttpClient} over {@code java.net.http} that LLM streams can rely on. Compared with
 * LangChain4j's JDK client it
 * <ul>
 *   <li>keeps the {@code Retry-After} header of an error response ({@link ProviderHttpException});</li>
 *   <li>never puts the API key into an error message (the response body is redacted and shortened);</li>
 *   <li>reports a stream that breaks or ends without its end marker as {@link LlmStreamException}
 *       instead of completing it as if the answer were whole;</li>
 *   <li>applies the read timeout also between stream chunks, so a stalled stream fails instead of
 *       hanging (the JDK's request timeout stops at the response headers).</li>
 * </ul>
 */
public final class StreamingHttpClient implements HttpClient {

    private static final int MAX_ERROR_BODY_CHARS = 1000;
    private static final ExecutorService READERS = Executors.newCachedThreadPool(daemon("modaweave-llm-stream"));
    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(daemon("modaweave-llm-watchdog"));

    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final String secret;
    private final String authHint;

    StreamingHttpClient(StreamingHttpClientBuilder builder) {
        java.net.http.HttpClient.Builder http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (builder.connectTimeout() != null) {
            http.connectTimeout(builder.connectTimeout());
        }
        this.http = http.build();
        this.readTimeout = builder.readTimeout();
        this.secret = builder.secret();
        this.authHint = builder.authHint();
    }

    /** A builder; LangChain4j's model builders set the timeouts on it. */
    public static StreamingHttpClientBuilder builder() {
        return new StreamingHttpClientBuilder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(toJdkRequest(request), BodyHandlers.ofByteArray());
            String body = new String(response.body(), StandardCharsets.UTF_8);
            if (!isSuccessful(response)) {
                throw httpError(request, response, body);
            }
            return SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode())
                    .headers(response.headers().map())
                    .body(body)
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LangChain4jException("interrupted while waiting for " + describe(request), e);
        } catch (IOException e) {
            throw translate(request, e, false);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        java.net.http.HttpRequest jdkRequest;
        try {
            jdkRequest = toJdkRequest(request);
        } catch (RuntimeException e) {
            listener.onError(e);
            return;
        }
        long sentAt = System.nanoTime();
        http.sendAsync(jdkRequest, responseInfo -> new OrderedBodySubscriber())
                .whenCompleteAsync((response, failure) -> {
                    if (failure != null) {
                        boolean timedOut = readTimeout != null && System.nanoTime() - sentAt >= readTimeout.toNanos();
                        quietly(() -> listener.onError(translate(request, failure, timedOut)));
                    } else if (!isSuccessful(response)) {
                        String body = readErrorBody(response);
                        quietly(() -> listener.onError(httpError(request, response, body)));
                    } else {
                        stream(request, response, parser, listener);
                    }
                }, READERS);
    }

    private void stream(HttpRequest request, HttpResponse<InputStream> response,
                        ServerSentEventParser parser, ServerSentEventListener listener) {
        quietly(() -> listener.onOpen(SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .build()));
        WatchedStream body = new WatchedStream(response.body(), readTimeout);
        TrackingListener tracking = new TrackingListener(listener, request, body);
        try {
            parser.parse(body, tracking);
        } catch (RuntimeException e) {
            tracking.onError(e);
        } finally {
            body.finish();
        }
        if (tracking.errorReported) {
            return;
        }
        if (tracking.endSeen || body.closedByConsumer) {
            quietly(listener::onClose);
        } else {
            quietly(() -> listener.onError(new LlmStreamException(
                    "the stream from " + describe(request) + " ended after " + tracking.events
                            + " events without its end marker (the server closed the connection early); "
                            + "the answer is incomplete",
                    tracking.events, null)));
        }
    }

    /** Whether a stream event marks the regular end of an OpenAI-compatible or Ollama stream. */
    static boolean isEndMarker(String data) {
        if (data == null) {
            return false;
        }
        String trimmed = data.trim();
        if (trimmed.equals("[DONE]")) {
            return true;
        }
        if (!trimmed.startsWith("{") || !(trimmed.contains("\"done\"") || trimmed.contains("\"finish_reason\""))) {
            return false;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(trimmed);
            if (node.path("done").asBoolean(false)) {
                return true;
            }
            for (JsonNode choice : node.path("choices")) {
                JsonNode finish = choice.get("finish_reason");
                if (finish != null && !finish.isNull()) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private final class TrackingListener implements ServerSentEventListener {
        private final ServerSentEventListener delegate;
        private final HttpRequest request;
        private final WatchedStream body;
        private final ToolCallStreamNormaliser normaliser = new ToolCallStreamNormaliser();
        volatile int events;
        volatile boolean endSeen;
        volatile boolean errorReported;

        TrackingListener(ServerSentEventListener delegate, HttpRequest request, WatchedStream body) {
            this.delegate = delegate;
            this.request = request;
            this.body = body;
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            ServerSentEvent normalised = normalise(event);
            if (normalised != null) {
                delegate.onEvent(normalised, context);
            }
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            ServerSentEvent normalised = normalise(event);
            if (normalised != null) {
                delegate.onEvent(normalised);
            }
        }

        /**
         * Counts the event and makes its tool calls unambiguous; a chunk that is not JSON ends the stream with an
         * error in words (null: deliver nothing more).
         */
        private ServerSentEvent normalise(ServerSentEvent event) {
            if (errorReported) {
                return null;
            }
            String data;
            try {
                data = normaliser.normalise(event.data());
            } catch (IllegalArgumentException e) {
                errorReported = true;
                body.closeQuietly();
                LlmStreamException error = new LlmStreamException(redact(e.getMessage()) + " (after " + events
                        + " stream events from " + describe(request) + "); the answer is incomplete", events, null);
                quietly(() -> delegate.onError(error));
                return null;
            }
            events++;
            if (isEndMarker(data)) {
                endSeen = true;
            }
            return Objects.equals(data, event.data()) ? event : new ServerSentEvent(event.event(), data);
        }

        @Override
        public void onError(Throwable error) {
            if (errorReported || (body.closedByConsumer && !body.timedOut)) {
                return;
            }
            errorReported = true;
            Throwable reported;
            if (body.timedOut) {
                reported = new TimeoutException("no data from " + describe(request) + " for " + seconds(readTimeout)
                        + " after " + events + " stream events; the stream was abandoned (raise llm.timeout for slow models)");
            } else if (error instanceof IOException) {
                reported = new LlmStreamException("the connection to " + describe(request) + " broke after " + events
                        + " stream events (" + redact(String.valueOf(error.getMessage())) + "); the answer is incomplete",
                        events, error);
            } else {
                reported = error;
            }
            quietly(() -> delegate.onError(reported));
        }

        @Override
        public void onClose() {
            // the client decides after parsing whether the stream closed regularly
        }
    }

    /**
     * The response body, watched for idleness: when no byte arrives within the read timeout the stream
     * is closed, which ends the parser's blocking read with an error.
     */
    private static final class WatchedStream extends FilterInputStream {
        private final Duration idleTimeout;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean finished;
        private volatile boolean ended;
        private volatile boolean failed;
        volatile boolean timedOut;
        volatile boolean closedByConsumer;
        private ScheduledFuture<?> check;

        WatchedStream(InputStream in, Duration idleTimeout) {
            super(in);
            this.idleTimeout = idleTimeout;
            if (idleTimeout != null) {
                schedule(idleTimeout.toNanos());
            }
        }

        private synchronized void schedule(long delayNanos) {
            if (!finished) {
                check = WATCHDOG.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void checkIdle() {
            long idle = System.nanoTime() - lastProgress;
            long limit = idleTimeout.toNanos();
            if (idle < limit) {
                schedule(limit - idle);
                return;
            }
            synchronized (this) {
                if (finished) {
                    return;
                }
                timedOut = true;
            }
            closeQuietly();
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                progress(b < 0);
                return b;
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int n = super.read(buffer, offset, length);
                progress(n < 0);
                return n;
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        private void progress(boolean endOfStream) {
            lastProgress = System.nanoTime();
            if (endOfStream) {
                ended = true;
            }
        }

        /** The parser closes the body when it is done; only a close before that is the consumer cancelling. */
        @Override
        public void close() throws IOException {
            if (!finished && !timedOut && !ended && !failed) {
                closedByConsumer = true;
            }
            super.close();
        }

        private void closeQuietly() {
            try {
                super.close();
            } catch (IOException | RuntimeException ignored) {
                // the reader fails anyway and reports the timeout
            }
        }

        void finish() {
            synchronized (this) {
                finished = true;
                if (check != null) {
                    check.cancel(false);
                }
            }
            closeQuietly();
        }
    }

    private java.net.http.HttpRequest toJdkRequest(HttpRequest request) {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            throw new UnsupportedOperationException("multipart requests are not used for chat and not supported by "
                    + getClass().getSimpleName() + "; got one for " + describe(request));
        }
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        builder.method(request.method().name(), request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        if (readTimeout != null) {
            builder.timeout(readTimeout);
        }
        return builder.build();
    }

    private ProviderHttpException httpError(HttpRequest request, HttpResponse<?> response, String body) {
        int status = response.statusCode();
        StringBuilder message = new StringBuilder("HTTP ").append(status).append(" from ").append(describe(request));
        String shown = redact(body == null ? "" : body.strip());
        if (!shown.isEmpty()) {
            message.append(": ").append(shown.length() > MAX_ERROR_BODY_CHARS
                    ? shown.substring(0, MAX_ERROR_BODY_CHARS) + "…" : shown);
        }
        if ((status == 401 || status == 403) && authHint != null) {
            message.append(" (").append(authHint).append(')');
        } else if (status == 404) {
            message.append(" (check llm.baseUrl and llm.model)");
        }
        return new ProviderHttpException(status, message.toString(),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    /**
     * Turns a failed exchange into an error that says what to do. {@code pastTimeout} marks a failure
     * that came when the timeout had run out: the JDK sometimes reports its own timeout as the
     * connection it closed, which must not look like a server hanging up (that would be retried).
     */
    private RuntimeException translate(HttpRequest request, Throwable failure, boolean pastTimeout) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (pastTimeout || has(cause, HttpTimeoutException.class)) {
            return new TimeoutException("no response from " + describe(request) + " within "
                    + (readTimeout == null ? "the timeout" : seconds(readTimeout))
                    + " (llm.timeout): " + cause.getMessage(), cause);
        }
        if (has(cause, ConnectException.class)) {
            return new LangChain4jException("cannot connect to " + describe(request)
                    + ": is the LLM server running there? (check llm.baseUrl)", cause);
        }
        if (cause instanceof IOException) {
            return new LangChain4jException("request to " + describe(request) + " failed: "
                    + redact(String.valueOf(cause.getMessage())), cause);
        }
        return cause instanceof RuntimeException runtime ? runtime : new LangChain4jException(cause);
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private String readErrorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(16 * 1024);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the error body could not be read: " + e.getMessage() + ")";
        }
    }

    private String redact(String text) {
        if (secret == null || secret.isBlank() || text == null) {
            return text;
        }
        return text.replace(secret, "***");
    }

    /** Method and URL without the query string (which might carry credentials). */
    private static String describe(HttpRequest request) {
        String url = request.url();
        int query = url.indexOf('?');
        return request.method() + " " + (query < 0 ? url : url.substring(0, query));
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static boolean isSuccessful(HttpResponse<?> response) {
        return response.statusCode() >= 200 && response.statusCode() < 300;
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // a failing listener must not stop the client from finishing the exchange
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
