package dev.modaweave.agent.llm;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.llm.internal.ProviderHttpException;
import dev.modaweave.tools.RetryAfter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link StreamingChatModel} decorator that retries a call which failed before the model said
 * anything. LangChain4j's streaming models do not retry; this one does, on HTTP 429, 500, 502, 503
 * and 504 and on a connection that was refused, reset or closed, waiting as long as the server's
 * {@code Retry-After} asks (delta-seconds or HTTP-date) or else a capped exponential backoff.
 *
 * <p>Once any partial response, thinking or tool call has reached the handler the call is never
 * retried, because the retry would repeat text the caller already has: the error is passed on.
 * Other errors (401, 400, timeouts…) are passed on at once; a timeout is not retried because the
 * caller has already waited the whole timeout once. A server asking to wait longer than
 * {@link Builder#maxRetryAfter(Duration)} is not waited for.
 *
 * <pre>{@code
 * StreamingChatModel model = RetryingStreamingChatModel.builder(openAi).maxRetries(3).build();
 * }</pre>
 */
public final class RetryingStreamingChatModel implements StreamingChatModel {

    /** Runs a retry later. Tests pass one that moves a fake clock instead of waiting. */
    @FunctionalInterface
    public interface Scheduler {
        /** Runs {@code task} once, {@code delay} from now, on any thread. */
        void schedule(Duration delay, Runnable task);

        /** A scheduler on one shared daemon thread. */
        static Scheduler system() {
            return SystemScheduler.INSTANCE;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RetryingStreamingChatModel.class);
    private static final Set<Integer> RETRIABLE_STATUSES = Set.of(429, 500, 502, 503, 504);

    private final StreamingChatModel delegate;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private final Scheduler scheduler;

    private RetryingStreamingChatModel(Builder builder) {
        this.delegate = builder.delegate;
        this.maxRetries = builder.maxRetries;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.maxRetryAfter = builder.maxRetryAfter;
        this.clock = builder.clock;
        this.scheduler = builder.scheduler;
    }

    /** A builder decorating {@code delegate}. */
    public static Builder builder(StreamingChatModel delegate) {
        return new Builder(delegate);
    }

    /** The decorated model. */
    public StreamingChatModel delegate() {
        return delegate;
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        chat(request, ChatRequestOptions.EMPTY, handler);
    }

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        attempt(attemptHandler -> delegate.chat(request, options, attemptHandler), handler, 0);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        attempt(attemptHandler -> delegate.doChat(request, attemptHandler), handler, 0);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return delegate.listeners();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    private void attempt(Consumer<StreamingChatResponseHandler> call, StreamingChatResponseHandler target, int retriesDone) {
        AttemptHandler attemptHandler = new AttemptHandler(call, target, retriesDone);
        try {
            call.accept(attemptHandler);
        } catch (RuntimeException e) {
            attemptHandler.onError(e);
        }
    }

    /**
     * How long to wait before retry number {@code retriesDone + 1} after {@code error}, or empty when
     * the error is not worth retrying (or the retries are used up).
     */
    Optional<Duration> retryDelay(Throwable error, int retriesDone) {
        if (retriesDone >= maxRetries || isTimeout(error)) {
            return Optional.empty();
        }
        Optional<HttpException> http = ProviderHttpException.find(error);
        if (http.isPresent()) {
            if (!RETRIABLE_STATUSES.contains(http.get().statusCode())) {
                return Optional.empty();
            }
            Optional<Duration> asked = http.get() instanceof ProviderHttpException provider
                    ? provider.retryAfter().flatMap(value -> RetryAfter.parse(value, clock))
                    : Optional.empty();
            if (asked.isPresent()) {
                return asked.get().compareTo(maxRetryAfter) > 0 ? Optional.empty() : asked;
            }
            return Optional.of(backoff(retriesDone));
        }
        return isConnectionFailure(error) ? Optional.of(backoff(retriesDone)) : Optional.empty();
    }

    private Duration backoff(int retriesDone) {
        Duration delay = initialBackoff.multipliedBy(1L << Math.min(retriesDone, 20));
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    /** A timeout already cost the caller the whole timeout; it is reported, not repeated. */
    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof LlmStreamException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String message = t.getMessage().toLowerCase(Locale.ROOT);
                if (message.contains("connection reset") || message.contains("connection refused")
                        || message.contains("closed") || message.contains("eof reached")
                        || message.contains("received no bytes")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The handler of one attempt: forwards everything, remembers whether anything was delivered. */
    private final class AttemptHandler implements StreamingChatResponseHandler {
        private final Consumer<StreamingChatResponseHandler> call;
        private final StreamingChatResponseHandler target;
        private final int retriesDone;
        private volatile boolean delivered;
        private volatile boolean finished;

        AttemptHandler(Consumer<StreamingChatResponseHandler> call, StreamingChatResponseHandler target, int retriesDone) {
            this.call = call;
            this.target = target;
            this.retriesDone = retriesDone;
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            delivered = true;
            target.onPartialResponse(partialResponse);
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            delivered = true;
            target.onPartialResponse(partialResponse, context);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            delivered = true;
            target.onPartialThinking(partialThinking);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            delivered = true;
            target.onPartialThinking(partialThinking, context);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            delivered = true;
            target.onPartialToolCall(partialToolCall);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            delivered = true;
            target.onPartialToolCall(partialToolCall, context);
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            delivered = true;
            target.onCompleteToolCall(completeToolCall);
        }

        @Override
        public void onUnmappedRawEvent(Object rawEvent) {
            target.onUnmappedRawEvent(rawEvent);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            if (finished) {
                return;
            }
            finished = true;
            target.onCompleteResponse(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            if (finished) {
                return;
            }
            finished = true;
            Optional<Duration> delay = delivered ? Optional.empty() : retryDelay(error, retriesDone);
            if (delay.isPresent()) {
                LOG.info("LLM call failed before any output ({}); retry {} of {} in {} ms",
                        error.getMessage(), retriesDone + 1, maxRetries, delay.get().toMillis());
                scheduler.schedule(delay.get(), () -> attempt(call, target, retriesDone + 1));
            } else {
                target.onError(error);
            }
        }
    }

    private static final class SystemScheduler implements Scheduler {
        static final SystemScheduler INSTANCE = new SystemScheduler();
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "modaweave-llm-retry");
            thread.setDaemon(true);
            return thread;
        });

        @Override
        public void schedule(Duration delay, Runnable task) {
            executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Settings of a {@link RetryingStreamingChatModel}; every one has a working default. */
    public static final class Builder {
        private final StreamingChatModel delegate;
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Scheduler.system();

        private Builder(StreamingChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** Retries after the first attempt (default 3; 0 turns retrying off). */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be 0 or more, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** First backoff when the server gave no {@code Retry-After} (default 500 ms), doubled per retry. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /** Cap of the exponential backoff (default 8 s). */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive(maxBackoff, "maxBackoff");
            return this;
        }

        /** Longest {@code Retry-After} that is waited for (default 60 s); a longer one fails the call at once. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = positive(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        /** The clock an HTTP-date {@code Retry-After} is measured against (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where retries wait (default: a shared daemon thread). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The decorator. */
        public RetryingStreamingChatModel build() {
            return new RetryingStreamingChatModel(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
            }
            return value;
        }
    }
}
