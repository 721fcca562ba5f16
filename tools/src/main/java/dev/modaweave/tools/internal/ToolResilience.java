package dev.modaweave.tools.internal;

import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolException;
import dev.modaweave.tools.ToolUnavailableException;
import dev.modaweave.tools.ToolWorker;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Resilience4j guards of one tool worker: time limiter, retry (retriable errors only, exponential
 * backoff, at least the error's {@code retryAfter}), circuit breaker (only retriable errors and
 * unexpected exceptions count as failures) and bulkhead of {@code capacity} calls.
 */
public final class ToolResilience {

    /**
     * One daemon thread that fires the time limits of every worker in the process. A call that ends in
     * time cancels its time limit, and a cancelled limit leaves the queue at once: otherwise every call
     * of the last {@code timeout} (a minute by default) would stay reachable through its limit.
     */
    private static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "modaweave-tool-time-limiter");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private final String toolName;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final Duration openDuration;

    public ToolResilience(ToolDescriptor descriptor, ToolWorker.Options options, Runnable onBreakerTransition) {
        this.toolName = descriptor.name();
        this.openDuration = options.openDuration();
        this.breaker = CircuitBreaker.of(toolName, CircuitBreakerConfig.custom()
                .failureRateThreshold(options.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(options.slidingWindowSize())
                .minimumNumberOfCalls(options.minimumCalls())
                .waitDurationInOpenState(options.openDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(e -> !(e instanceof NonRetriableToolException))
                .build());
        breaker.getEventPublisher().onStateTransition(event -> onBreakerTransition.run());
        this.bulkhead = Bulkhead.of(toolName, BulkheadConfig.custom()
                .maxConcurrentCalls(descriptor.capacity())
                .maxWaitDuration(Duration.ZERO)
                .build());
        long initial = options.initialBackoff().toMillis();
        long max = options.maxBackoff().toMillis();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            long backoff = Math.min(max, initial << Math.min(20, attempt - 1));
            if (outcome.isLeft() && outcome.getLeft() instanceof RetriableToolException r && r.retryAfter().isPresent()) {
                backoff = Math.max(backoff, r.retryAfter().get().toMillis());
            }
            return backoff;
        };
        this.retry = Retry.of(toolName, RetryConfig.<Object>custom()
                .maxAttempts(options.maxAttempts())
                .retryOnException(e -> e instanceof RetriableToolException)
                .intervalBiFunction(interval)
                .build());
        this.timeLimiter = TimeLimiter.of(toolName, TimeLimiterConfig.custom()
                .timeoutDuration(options.timeout())
                .cancelRunningFuture(true)
                .build());
    }

    /** {@code closed}, {@code open} or {@code half_open}. */
    public String breakerState() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            default -> "closed";
        };
    }

    /**
     * Why a new call must be refused at once (the breaker is open), or null when it may proceed. Does
     * not hold a breaker permission.
     */
    public ToolException refusal() {
        if (breaker.tryAcquirePermission()) {
            breaker.releasePermission();
            return null;
        }
        return openBreaker();
    }

    /** Takes the breaker's permission for one attempt; null when granted, else the refusal. */
    public ToolException acquireAttempt() {
        return breaker.tryAcquirePermission() ? null : openBreaker();
    }

    private ToolException openBreaker() {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        return new ToolUnavailableException(String.format(Locale.ROOT,
                "the circuit breaker of '%s' is open (%.0f%% of the last %d calls failed); it lets a trial call through after %d s",
                toolName, m.getFailureRate(), m.getNumberOfBufferedCalls(), openDuration.toSeconds()),
                openDuration, null);
    }

    public void onSuccess(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records a failed attempt; {@code error} is what the tool threw (or the timeout). */
    public void onError(long nanos, Throwable error) {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
    }

    public boolean tryEnterBulkhead() {
        return bulkhead.tryAcquirePermission();
    }

    public void leaveBulkhead() {
        bulkhead.onComplete();
    }

    /** A retry context for one call: {@code onError} says how long to wait, or -1 for no retry. */
    public Retry.AsyncContext<Object> retryContext() {
        return retry.asyncContext();
    }

    /** Runs {@code stage} under the time limit; on expiry the stage fails with a {@link java.util.concurrent.TimeoutException}. */
    public <T> CompletionStage<T> timeLimited(Supplier<CompletionStage<T>> stage) {
        return timeLimiter.executeCompletionStage(TIMER, stage);
    }

    public Duration timeout() {
        return timeLimiter.getTimeLimiterConfig().getTimeoutDuration();
    }
}
