package dev.modaweave.tools;

import dev.modaweave.tools.internal.DescriptorJson;
import dev.modaweave.tools.internal.JobResults;
import dev.modaweave.tools.internal.ToolCall;
import dev.modaweave.tools.internal.ToolResilience;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The verticle that serves one {@link GeneratorTool} on the bus at
 * {@link EventBusAddresses#tool(String) modaweave.tool.&lt;name&gt;}. Deploy one per tool on every node
 * that should serve it; the bus load-balances calls across all of them.
 *
 * <p>{@code generate} runs on a worker pool of {@link ToolDescriptor#capacity()} threads, never on the
 * event loop, guarded by Resilience4j: a time limit per attempt (on expiry the call's
 * {@link Cancellation} is cancelled), retries with exponential backoff for
 * {@link RetriableToolException}s only (waiting at least the error's {@code retryAfter}), a circuit
 * breaker that answers at once while open, and a bulkhead of {@code capacity} running calls with a
 * bounded queue behind it. The result is stored in the {@link ArtifactStore}; the reply carries the
 * artifact id and metadata, never the media. The message formats are in the tools README.
 */
public final class ToolWorker extends VerticleBase {

    /** How long a cancellation of a job this worker does not hold is remembered: a call's time in transit, generously. */
    private static final long REMEMBER_CANCELLATION_MS = 5_000;
    private static final int MAX_REMEMBERED_CANCELLATIONS = 10_000;

    private final GeneratorTool tool;
    private final ToolDescriptor descriptor;
    private final ArgumentsSchema schema;
    private final ArtifactStore store;
    private final Options options;
    private final String workerId = UUID.randomUUID().toString();
    private final ArrayDeque<ToolCall> queue = new ArrayDeque<>();
    private ToolResilience resilience;
    private WorkerExecutor executor;
    private MessageConsumer<JsonObject> callConsumer;
    private MessageConsumer<JsonObject> discoverConsumer;
    private MessageConsumer<JsonObject> controlConsumer;
    private MessageConsumer<JsonObject> cancelConsumer;
    /** Jobs cancelled before their call arrived here, with when: such a call is refused, not run. */
    private final Map<String, Cancelled> cancelledEarly = new LinkedHashMap<>();
    private JobResults results;
    private final Map<String, ToolCall> active = new HashMap<>();
    private long announceTimer = -1;
    private int running;
    /** Why the tool's backend cannot be reached, as its last probe said; null when it can or is not probed. */
    private volatile String unreachable;
    private boolean probing;
    private boolean stopped;

    private ToolWorker(GeneratorTool tool, ArtifactStore store, Options options) {
        this.tool = tool;
        this.descriptor = tool.descriptor();
        this.schema = ArgumentsSchema.compile(descriptor.name(), descriptor.argumentsSchema());
        this.store = store;
        this.options = options;
    }

    /** A worker for {@code tool} that stores results in {@code store}, with default {@link Options}. */
    public static ToolWorker of(GeneratorTool tool, ArtifactStore store) {
        return new ToolWorker(tool, store, Options.builder().build());
    }

    /** A worker for {@code tool} with explicit settings. */
    public static ToolWorker of(GeneratorTool tool, ArtifactStore store, Options options) {
        return new ToolWorker(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(options, "options"));
    }

    /** The tool this worker serves. */
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    /** This worker's id, as announced. */
    public String workerId() {
        return workerId;
    }

    /** The circuit breaker's state: {@code closed}, {@code open} or {@code half_open}. */
    public String breakerState() {
        return resilience == null ? "closed" : resilience.breakerState();
    }

    @Override
    public Future<?> start() {
        resilience = new ToolResilience(descriptor, options, () -> context.runOnContext(v -> announce()));
        executor = vertx.createSharedWorkerExecutor("modaweave-tool-" + descriptor.name() + "-" + workerId,
                descriptor.capacity(), Math.max(options.timeout().toMillis() * 4, 60_000), TimeUnit.MILLISECONDS);
        return JobResults.forVertx(vertx)
                .compose(r -> {
                    results = r;
                    callConsumer = vertx.eventBus().consumer(descriptor.address(), this::onCall);
                    discoverConsumer = vertx.eventBus().consumer(EventBusAddresses.TOOL_DISCOVER, m -> announce());
                    controlConsumer = vertx.eventBus().consumer(controlAddress(), this::onControl);
                    cancelConsumer = vertx.eventBus().consumer(EventBusAddresses.CANCEL, this::onCancel);
                    announceTimer = vertx.setPeriodic(Math.max(100, options.lease().toMillis() / 3), id -> {
                        announce();
                        probe();
                    });
                    return Future.all(List.of(callConsumer.completion(), discoverConsumer.completion(),
                            controlConsumer.completion(), cancelConsumer.completion()));
                })
                .onSuccess(v -> {
                    announce();
                    probe();
                });
    }

    /**
     * Why the tool's backend cannot be reached, as the last {@link ReachabilityProbe#probe} said (run on a worker
     * thread every third of the lease); empty when it can, or when the tool has no probe.
     */
    public Optional<String> unreachable() {
        return Optional.ofNullable(unreachable);
    }

    private void probe() {
        if (!(tool instanceof ReachabilityProbe reachability) || probing || stopped) {
            return;
        }
        probing = true;
        Duration limit = Duration.ofMillis(Math.max(100, Math.min(2_000, options.lease().toMillis() / 3)));
        vertx.<String>executeBlocking(() -> reachability.probe(limit).orElse(null), false).onComplete(done -> {
            probing = false;
            String now = done.succeeded() ? done.result() : "the reachability probe failed: " + done.cause().getMessage();
            if (!Objects.equals(now, unreachable) && !stopped) {
                unreachable = now;
                announce();
            }
        });
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(announceTimer);
        vertx.eventBus().publish(EventBusAddresses.TOOL_ANNOUNCE, new JsonObject()
                .put("type", "withdraw").put("worker", workerId).put("node", options.nodeId())
                .put("tool", descriptor.name()));
        ToolCall pending;
        while ((pending = queue.poll()) != null) {
            pending.fail(new ToolUnavailableException("the worker of '" + descriptor.name() + "' is stopping; try again"));
        }
        return Future.all(List.of(callConsumer.unregister(), discoverConsumer.unregister(), controlConsumer.unregister(),
                        cancelConsumer.unregister()))
                .eventually(() -> executor.close());
    }

    /**
     * This worker's own address, given in its progress events: {@code {"action":"cancel","jobId":…,"reason":…}}
     * sent there cancels a call it holds.
     */
    public String controlAddress() {
        return "modaweave.worker." + workerId;
    }

    private void onControl(Message<JsonObject> message) {
        JsonObject body = message.body();
        if (body != null && "cancel".equals(body.getValue("action"))) {
            cancel(body);
        }
    }

    /** A cancellation published to every worker on {@link EventBusAddresses#CANCEL}. */
    private void onCancel(Message<JsonObject> message) {
        if (message.body() != null) {
            cancel(message.body());
        }
    }

    /**
     * Cancels the job {@code {"jobId": …, "reason": …}} names when this worker holds it, running or queued;
     * otherwise remembers the cancellation for a while, within a bound, since the call may still be on its
     * way here.
     */
    private void cancel(JsonObject body) {
        if (!(body.getValue("jobId") instanceof String jobId)) {
            return;
        }
        String reason = body.getValue("reason") instanceof String r && !r.isBlank() ? r : "cancelled by the caller";
        ToolCall call = active.get(jobId);
        if (call != null) {
            call.cancel(reason);
            return;
        }
        long now = System.currentTimeMillis();
        cancelledEarly.remove(jobId);
        cancelledEarly.put(jobId, new Cancelled(reason, now));
        Iterator<Cancelled> oldest = cancelledEarly.values().iterator();
        while (oldest.hasNext()) {
            Cancelled c = oldest.next();
            if (cancelledEarly.size() <= MAX_REMEMBERED_CANCELLATIONS && now - c.at() <= REMEMBER_CANCELLATION_MS) {
                break;
            }
            oldest.remove();
        }
    }

    private record Cancelled(String reason, long at) {
    }

    private void announce() {
        JsonObject tool = Json.toJsonObject(DescriptorJson.write(descriptor));
        vertx.eventBus().publish(EventBusAddresses.TOOL_ANNOUNCE, new JsonObject()
                .put("type", "announce")
                .put("worker", workerId)
                .put("node", options.nodeId())
                .put("leaseMs", options.lease().toMillis())
                .put("tool", tool)
                .put("breaker", resilience.breakerState())
                .put("reachable", unreachable == null)
                .put("unreachable", unreachable)
                .put("inFlight", running + queue.size())
                .put("capacity", descriptor.capacity()));
    }

    private void onCall(Message<JsonObject> message) {
        ToolCall call;
        try {
            call = ToolCall.parse(message, descriptor, options, workerId, vertx, context);
        } catch (IllegalArgumentException e) {
            message.reply(ToolCall.errorReply(null, new InvalidArgumentsException(e.getMessage())));
            return;
        }
        Cancelled cancelled = cancelledEarly.isEmpty() ? null : cancelledEarly.remove(call.jobId());
        if (cancelled != null && System.currentTimeMillis() - cancelled.at() <= REMEMBER_CANCELLATION_MS) {
            call.fail(new ToolCancelledException(cancelled.reason()));
            return;
        }
        ToolException refused = resilience.refusal();
        if (refused != null) {
            call.fail(refused);
            return;
        }
        active.put(call.jobId(), call);
        if (resilience.tryEnterBulkhead()) {
            start(call);
        } else if (queue.size() < options.queueLimit()) {
            // a call that starts at once says so with its "started" event; a queued one says where it waits
            call.accepted(controlAddress());
            queue.add(call);
        } else {
            active.remove(call.jobId());
            call.fail(new ToolUnavailableException("'" + descriptor.name() + "' is busy: " + running + " calls running (capacity "
                    + descriptor.capacity() + ") and " + queue.size() + " queued; try again later or add a worker",
                    Duration.ofMillis(200), null));
        }
    }

    private void start(ToolCall call) {
        running++;
        call.run(tool, schema, store, resilience, executor, controlAddress(), results).onComplete(done -> {
            active.remove(call.jobId());
            running--;
            resilience.leaveBulkhead();
            drainQueue();
        });
    }

    private void drainQueue() {
        while (!queue.isEmpty() && resilience.tryEnterBulkhead()) {
            ToolCall next = queue.poll();
            if (next.isCancelled()) {
                active.remove(next.jobId());
                resilience.leaveBulkhead();
                next.fail(new ToolCancelledException(next.cancellationReason()));
                continue;
            }
            start(next);
        }
    }

    /**
     * Settings of a {@link ToolWorker}. Defaults: 60 s per attempt, 3 attempts, backoff from 200 ms
     * doubling up to 5 s, breaker opening at 50 % failures over the last 10 calls (at least 5) for
     * 30 s, 64 queued calls, a 10 s announcement lease (re-announced every third of it), node id {@code local}.
     *
     * @param timeout           time limit of one attempt of {@code generate}
     * @param maxAttempts       attempts per call, counting the first (1 disables retries)
     * @param initialBackoff    wait before the second attempt; doubles with every further attempt
     * @param maxBackoff        upper bound of the wait (a longer {@code retryAfter} still wins)
     * @param failureRateThreshold percentage of failed calls that opens the breaker
     * @param slidingWindowSize calls the failure rate is computed over
     * @param minimumCalls      calls needed before the failure rate counts
     * @param openDuration      how long the breaker stays open before letting a trial call through
     * @param queueLimit        calls waiting for a slot beyond {@code capacity}; more are refused as busy
     * @param lease             how long an announcement stays valid; re-announced every third of it
     * @param nodeId            the node this worker runs on, as the cluster manager names it
     */
    public record Options(Duration timeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                          float failureRateThreshold, int slidingWindowSize, int minimumCalls, Duration openDuration,
                          int queueLimit, Duration lease, String nodeId) {

        public Options {
            requirePositive(timeout, "timeout");
            requirePositive(initialBackoff, "initialBackoff");
            requirePositive(maxBackoff, "maxBackoff");
            requirePositive(openDuration, "openDuration");
            requirePositive(lease, "lease");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
                throw new IllegalArgumentException("failureRateThreshold is a percentage in (0, 100], got " + failureRateThreshold);
            }
            if (slidingWindowSize < 1 || minimumCalls < 1) {
                throw new IllegalArgumentException("slidingWindowSize and minimumCalls must be at least 1");
            }
            if (queueLimit < 0) {
                throw new IllegalArgumentException("queueLimit must not be negative, got " + queueLimit);
            }
            Objects.requireNonNull(nodeId, "nodeId");
        }

        private static void requirePositive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}; see the record for the defaults. */
        public static final class Builder {
            private Duration timeout = Duration.ofSeconds(60);
            private int maxAttempts = 3;
            private Duration initialBackoff = Duration.ofMillis(200);
            private Duration maxBackoff = Duration.ofSeconds(5);
            private float failureRateThreshold = 50;
            private int slidingWindowSize = 10;
            private int minimumCalls = 5;
            private Duration openDuration = Duration.ofSeconds(30);
            private int queueLimit = 64;
            private Duration lease = Duration.ofSeconds(10);
            private String nodeId = "local";

            public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
            public Builder maxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; return this; }
            public Builder initialBackoff(Duration backoff) { this.initialBackoff = backoff; return this; }
            public Builder maxBackoff(Duration backoff) { this.maxBackoff = backoff; return this; }
            public Builder failureRateThreshold(float percent) { this.failureRateThreshold = percent; return this; }
            public Builder slidingWindowSize(int calls) { this.slidingWindowSize = calls; return this; }
            public Builder minimumCalls(int calls) { this.minimumCalls = calls; return this; }
            public Builder openDuration(Duration duration) { this.openDuration = duration; return this; }
            public Builder queueLimit(int calls) { this.queueLimit = calls; return this; }
            public Builder lease(Duration lease) { this.lease = lease; return this; }
            public Builder nodeId(String nodeId) { this.nodeId = nodeId; return this; }

            public Options build() {
                return new Options(timeout, maxAttempts, initialBackoff, maxBackoff, failureRateThreshold,
                        slidingWindowSize, minimumCalls, openDuration, queueLimit, lease, nodeId);
            }
        }
    }
}
