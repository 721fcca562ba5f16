package dev.modaweave.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.internal.JobLedger;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The verticle on {@link EventBusAddresses#DISPATCH}: the one scheduler of every call.
 *
 * <p>It speaks the dispatch protocol ({@link DispatchProtocol}; the JSON is in the agent-core README):
 * a turn's calls arrive in one request or, for an open turn, streamed in one by one. It validates them
 * with {@link MetaResponseValidator} against the tools a {@link RoutingCatalog} shows (nothing of a
 * request runs when any of its calls is invalid), routes each with a {@link JobRouter} (the named tool,
 * else the available tools of the task whose schema accepts the arguments, by priority, then load),
 * keeps the turn's dependency graph in a {@link DispatchTurn} (a call that refers to another waits for
 * its artifact; the reference is replaced by the artifact id), and runs each job's attempts with
 * {@link JobAttempts} (resends when a worker's node leaves or a job goes unacknowledged, deadlines,
 * {@code no_worker} for orphaned jobs). It reports every call's outcome as events. Cancelling a turn
 * cancels its pending and running calls. Only artifact ids travel on the bus.
 *
 * <p>Every job has a record in a {@link JobLedger} (memory when embedded, the cluster's map when
 * clustered): a job id that already has an artifact is answered from it and never generated again.
 */
public final class Dispatcher extends VerticleBase {

    private final ToolRegistry registry;
    private final Options options;
    private final RoutingCatalog routing;
    private final MetaResponseValidator validator;
    private final JobRouter router;
    private final String eventsAddress = "modaweave.dispatcher." + UUID.randomUUID();
    private final Map<String, DispatchTurn> turns = new HashMap<>();
    private final Function<Vertx, DispatchClock> clockFactory;
    private JobAttempts attempts;
    private MessageConsumer<JsonObject> dispatchConsumer;
    private MessageConsumer<JsonObject> eventsConsumer;
    private Runnable nodeLeftRegistration;

    private Dispatcher(ToolRegistry registry, Options options, Function<Vertx, DispatchClock> clockFactory) {
        this.registry = registry;
        this.options = options;
        this.clockFactory = clockFactory;
        this.routing = RoutingCatalog.of(registry, options.previews());
        this.validator = new MetaResponseValidator(routing, options.limits());
        this.router = new JobRouter(registry, routing, validator);
    }

    /** A dispatcher routing to the tools of {@code registry}, with default {@link Options}. */
    public static Dispatcher of(ToolRegistry registry) {
        return of(registry, Options.builder().build());
    }

    /** A dispatcher routing to the tools of {@code registry} with {@code options}, on the system clock. */
    public static Dispatcher of(ToolRegistry registry, Options options) {
        return of(registry, options, DispatchClock::system);
    }

    /**
     * A dispatcher whose time and timers come from {@code clock}, made from the Vert.x instance it is deployed on
     * (tests pass a clock they move by hand).
     */
    public static Dispatcher of(ToolRegistry registry, Options options, Function<Vertx, DispatchClock> clock) {
        return new Dispatcher(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public Future<?> start() {
        DispatchClock clock = clockFactory.apply(vertx);
        return JobLedger.forVertx(vertx, options.recordRetention().toMillis()).compose(ledger -> {
            attempts = new JobAttempts(vertx, clock, options, ledger, registry, router, eventsAddress, new JobAttempts.Outcomes() {
                @Override
                public void emit(DispatchJob job, Supplier<JsonObject> event) {
                    Dispatcher.this.emit(job.turn, event);
                }

                @Override
                public void completed(DispatchJob job, String artifactId, JsonObject artifact, boolean reused) {
                    complete(job, artifactId, artifact, reused);
                }

                @Override
                public void failed(DispatchJob job, JsonObject error) {
                    fail(job, error);
                }
            });
            nodeLeftRegistration = registry.onNodeLeft(node -> context.runOnContext(v -> attempts.nodeLeft(node)));
            dispatchConsumer = vertx.eventBus().consumer(EventBusAddresses.DISPATCH, this::onRequest);
            eventsConsumer = vertx.eventBus().consumer(eventsAddress, m -> attempts.onWorkerEvent(m.body()));
            return Future.all(dispatchConsumer.completion(), eventsConsumer.completion());
        });
    }

    @Override
    public Future<?> stop() {
        if (nodeLeftRegistration != null) {
            nodeLeftRegistration.run();
        }
        new ArrayList<>(turns.values()).forEach(t -> cancelTurn(t, "the dispatcher is stopping"));
        return Future.all(dispatchConsumer.unregister(), eventsConsumer.unregister());
    }

    // ---- the wire protocol ----------------------------------------------------------------------

    private void onRequest(Message<JsonObject> message) {
        JsonObject body = message.body();
        if (body == null) {
            message.reply(rejection(null, null, "bad_request", "a dispatch request is a JSON object"));
            return;
        }
        String action = body.getString("action", DispatchProtocol.DISPATCH);
        String requestId = body.getString("requestId");
        String turnId = body.getString("turnId");
        if (turnId == null || !MetaResponse.ID.matcher(turnId).matches()) {
            message.reply(rejection(requestId, turnId, "bad_request",
                    "turnId is missing or invalid; use 1-64 letters, digits, '_', '-' or '.'"));
            return;
        }
        DispatchTurn turn = turns.get(turnId);
        switch (action) {
            case DispatchProtocol.DISPATCH -> dispatch(message, body, requestId, turnId);
            case DispatchProtocol.CANCEL -> {
                int cancelled = turn == null ? 0 : cancelTurn(turn, body.getString("reason", "the turn was cancelled"));
                if (turn != null) {
                    close(turn);
                }
                message.reply(new JsonObject().put("requestId", requestId).put("turnId", turnId).put("cancelled", cancelled));
            }
            case DispatchProtocol.CLOSE -> {
                if (turn != null) {
                    close(turn);
                }
                message.reply(new JsonObject().put("requestId", requestId).put("turnId", turnId).put("closed", turn != null));
            }
            default -> message.reply(rejection(requestId, turnId, "bad_request",
                    "unknown action '" + action + "'; use dispatch, cancel or close"));
        }
    }

    private void dispatch(Message<JsonObject> message, JsonObject body, String requestId, String turnId) {
        List<MetaResponse> calls;
        try {
            calls = readCalls(body.getJsonArray("calls", new JsonArray()));
        } catch (RuntimeException e) {
            message.reply(rejection(requestId, turnId, "bad_request", e.getMessage()));
            return;
        }
        if (calls.isEmpty()) {
            message.reply(rejection(requestId, turnId, "bad_request", "the request has no calls"));
            return;
        }
        Map<String, Modality> known = readKnownArtifacts(body.getValue("knownArtifacts"));
        DispatchTurn existing = turns.get(turnId);
        List<MetaResponse> all = new ArrayList<>();
        if (existing != null) {
            existing.jobs.values().forEach(j -> all.add(j.call));
            existing.known.forEach(known::putIfAbsent);
        }
        all.addAll(calls);
        Set<String> newIds = new HashSet<>();
        calls.forEach(c -> newIds.add(c.id()));
        List<ValidationError> errors = validator.validateTurn(all, known).stream()
                .filter(e -> newIds.contains(e.callId())).toList();
        if (!errors.isEmpty()) {
            JsonArray list = new JsonArray();
            errors.forEach(e -> list.add(new JsonObject().put("callId", e.callId()).put("code", e.code().wireName())
                    .put("pointer", e.pointer()).put("message", e.message())));
            message.reply(new JsonObject().put("requestId", requestId).put("turnId", turnId)
                    .put("accepted", false).put("errors", list));
            return;
        }
        DispatchTurn turn = existing != null ? existing
                : new DispatchTurn(requestId, turnId, body.getString("events"), body.getBoolean("await", false) ? message : null,
                body.getBoolean("open", false));
        known.forEach(turn.known::putIfAbsent);
        turns.put(turnId, turn);
        JsonArray accepted = new JsonArray();
        List<DispatchJob> added = new ArrayList<>();
        for (MetaResponse call : calls) {
            DispatchJob job = turn.add(call);
            added.add(job);
            router.assign(job, turn.argumentsForRouting(call));
            accepted.add(new JsonObject().put("callId", call.id()).put("jobId", job.jobId).put("tool", job.tool));
        }
        for (DispatchJob job : added) {
            turn.link(job);
            emit(turn, () -> {
                JsonObject e = job.outcome(DispatchProtocol.ACCEPTED)
                        .put("task", job.call.task() != null ? job.call.task()
                                : routing.byName(job.tool).map(ToolDescriptor::task).orElse(null))
                        .put("args", Json.toJsonObject(turn.argumentsSoFar(job)));
                if (!job.waitingOn.isEmpty()) {
                    e.put("waitingFor", new JsonArray(List.copyOf(job.waitingOn)));
                }
                return e;
            });
        }
        if (turn.awaitMessage != message) {
            message.reply(new JsonObject().put("requestId", requestId).put("turnId", turnId)
                    .put("accepted", true).put("calls", accepted));
        }
        for (DispatchJob job : added) {
            if (job.waitingOn.isEmpty()) {
                attempts.start(job);
            }
        }
    }

    private static List<MetaResponse> readCalls(JsonArray rawCalls) {
        List<MetaResponse> calls = new ArrayList<>();
        for (Object raw : rawCalls) {
            if (!(raw instanceof JsonObject c)) {
                throw new IllegalArgumentException("every entry of calls must be an object {id, task|tool, args}");
            }
            ObjectNode args = Json.toObjectNode(c.getJsonObject("args", new JsonObject()));
            calls.add(new MetaResponse(c.getString("id"), c.getString("task"), c.getString("tool"), args, Dialect.CANONICAL));
        }
        return calls;
    }

    /** {@code knownArtifacts}: a list of artifact ids, or an object of artifact id → modality. */
    private static Map<String, Modality> readKnownArtifacts(Object knownArtifacts) {
        Map<String, Modality> known = new HashMap<>();
        if (knownArtifacts instanceof JsonArray ids) {
            for (Object id : ids) {
                if (id instanceof String s && Artifact.isValidId(s)) {
                    known.put(s, null);
                }
            }
        } else if (knownArtifacts instanceof JsonObject withModality) {
            for (String id : withModality.fieldNames()) {
                if (Artifact.isValidId(id)) {
                    known.put(id, modality(withModality.getValue(id)));
                }
            }
        }
        return known;
    }

    private static Modality modality(Object wireName) {
        if (wireName instanceof String s) {
            for (Modality m : Modality.values()) {
                if (m.wireName().equals(s)) {
                    return m;
                }
            }
        }
        return null;
    }

    private static JsonObject rejection(String requestId, String turnId, String code, String message) {
        return new JsonObject().put("requestId", requestId).put("turnId", turnId).put("accepted", false)
                .put("errors", new JsonArray().add(new JsonObject().put("code", code).put("message", message)));
    }

    // ---- the turn's graph -----------------------------------------------------------------------

    private void complete(DispatchJob job, String artifactId, JsonObject artifact, boolean reused) {
        if (job.isDone()) {
            return;
        }
        job.state = JobState.COMPLETED;
        job.artifactId = artifactId;
        job.artifact = artifact;
        router.release(job);
        attempts.ended(job, reused);
        emit(job.turn, () -> job.outcome(DispatchProtocol.COMPLETED).put("reused", reused));
        for (DispatchJob d : job.dependents) {
            d.waitingOn.remove(job.call.id());
            if (d.waitingOn.isEmpty() && d.state == JobState.PENDING) {
                attempts.start(d);
            }
        }
        finishOne(job.turn);
    }

    private void fail(DispatchJob job, JsonObject error) {
        if (job.isDone()) {
            return;
        }
        job.state = JobState.FAILED;
        job.error = error;
        router.release(job);
        attempts.ended(job, false);
        emit(job.turn, () -> job.outcome(DispatchProtocol.FAILED));
        for (DispatchJob d : job.dependents) {
            fail(d, error("dependency_failed", "call '" + d.call.id() + "' needs the result of '" + job.call.id()
                    + "', which failed: " + error.getString("message"), false));
        }
        finishOne(job.turn);
    }

    private int cancelTurn(DispatchTurn turn, String reason) {
        int cancelled = 0;
        for (DispatchJob job : new ArrayList<>(turn.jobs.values())) {
            if (job.isDone()) {
                continue;
            }
            attempts.cancel(job, reason);
            job.state = JobState.CANCELLED;
            job.error = error("cancelled", reason, false);
            router.release(job);
            attempts.ended(job, false);
            emit(turn, () -> job.outcome(DispatchProtocol.CANCELLED));
            cancelled++;
            finishOne(turn);
        }
        return cancelled;
    }

    private void finishOne(DispatchTurn turn) {
        turn.open--;
        endIfOver(turn);
    }

    /** No more calls come for the turn: it ends once its last call has. */
    private void close(DispatchTurn turn) {
        turn.keepOpen = false;
        endIfOver(turn);
    }

    private void endIfOver(DispatchTurn turn) {
        if (!turn.isOver() || turns.get(turn.turnId) != turn) {
            return;
        }
        turns.remove(turn.turnId);
        JsonArray outcomes = turn.outcomes();
        emit(turn, () -> new JsonObject().put("type", DispatchProtocol.TURN_DONE).put("outcomes", outcomes));
        if (turn.awaitMessage != null) {
            turn.awaitMessage.reply(new JsonObject().put("requestId", turn.requestId).put("turnId", turn.turnId)
                    .put("accepted", true).put("outcomes", outcomes));
        }
    }

    /** Sends a turn's event to its listener; the event is only built when the turn has one. */
    private void emit(DispatchTurn turn, Supplier<JsonObject> event) {
        if (turn.events != null) {
            vertx.eventBus().send(turn.events, stamped(turn, event.get()));
        } else if (turn.awaitMessage == null) {
            vertx.eventBus().publish(EventBusAddresses.turn(turn.turnId), stamped(turn, event.get()));
        }
    }

    private static JsonObject stamped(DispatchTurn turn, JsonObject event) {
        return event.put("requestId", turn.requestId).put("turnId", turn.turnId);
    }

    static JsonObject error(String code, String message, boolean retriable) {
        return new JsonObject().put("code", code).put("message", message).put("retriable", retriable);
    }

    /**
     * Settings of a {@link Dispatcher}.
     *
     * @param limits          per-turn limits the validator enforces
     * @param attemptTimeout  how long one attempt may take before the job is sent again (its deadline)
     * @param maxAttempts     attempts per job that reached a worker or missed their deadline
     * @param resendDelay     wait before resending a job that reached no worker
     * @param recordRetention how long job records stay in the cluster map
     * @param ackTimeout      a job no worker acknowledged this long after it was sent is presumed lost
     *                        (sent to a node that just died) and sent again
     * @param recordNodeAfter a job still running this long after it was sent gets a {@code running} record
     *                        (with its worker's node once known); shorter jobs get one write, when they end
     * @param orphanTimeout   a job that no live worker can take (its workers left and none returned) fails with
     *                        {@code no_worker} this long after it was orphaned
     * @param previews        when preview tools serve a task (see {@link RoutingCatalog.Previews})
     */
    public record Options(TurnLimits limits, Duration attemptTimeout, int maxAttempts, Duration resendDelay,
                          Duration recordRetention, Duration ackTimeout, Duration recordNodeAfter,
                          Duration orphanTimeout, RoutingCatalog.Previews previews) {

        public Options {
            Objects.requireNonNull(limits, "limits");
            if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
                throw new IllegalArgumentException("attemptTimeout must be positive, got " + attemptTimeout);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            if (resendDelay == null || resendDelay.isNegative() || resendDelay.isZero()) {
                throw new IllegalArgumentException("resendDelay must be positive, got " + resendDelay);
            }
            if (recordRetention == null || recordRetention.isNegative() || recordRetention.isZero()) {
                throw new IllegalArgumentException("recordRetention must be positive, got " + recordRetention);
            }
            if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
                throw new IllegalArgumentException("ackTimeout must be positive, got " + ackTimeout);
            }
            if (recordNodeAfter == null || recordNodeAfter.isNegative() || recordNodeAfter.isZero()) {
                throw new IllegalArgumentException("recordNodeAfter must be positive, got " + recordNodeAfter);
            }
            if (orphanTimeout == null || orphanTimeout.isNegative() || orphanTimeout.isZero()) {
                throw new IllegalArgumentException("orphanTimeout must be positive, got " + orphanTimeout);
            }
            Objects.requireNonNull(previews, "previews");
        }

        public static Builder builder() {
            return new Builder();
        }

        /**
         * Defaults: {@link TurnLimits#defaults()}, 5 min per attempt, 3 attempts, 200 ms resend delay, 24 h records,
         * 5 s to acknowledge, running records written after 100 ms, orphaned jobs failed after 30 s, previews
         * {@code auto}.
         */
        public static final class Builder {
            private TurnLimits limits = TurnLimits.defaults();
            private Duration attemptTimeout = Duration.ofMinutes(5);
            private int maxAttempts = 3;
            private Duration resendDelay = Duration.ofMillis(200);
            private Duration recordRetention = Duration.ofHours(24);
            private Duration ackTimeout = Duration.ofSeconds(5);
            private Duration recordNodeAfter = Duration.ofMillis(100);
            private Duration orphanTimeout = Duration.ofSeconds(30);
            private RoutingCatalog.Previews previews = RoutingCatalog.Previews.AUTO;

            public Builder limits(TurnLimits limits) { this.limits = limits; return this; }
            public Builder attemptTimeout(Duration timeout) { this.attemptTimeout = timeout; return this; }
            public Builder maxAttempts(int attempts) { this.maxAttempts = attempts; return this; }
            public Builder resendDelay(Duration delay) { this.resendDelay = delay; return this; }
            public Builder recordRetention(Duration retention) { this.recordRetention = retention; return this; }
            public Builder ackTimeout(Duration timeout) { this.ackTimeout = timeout; return this; }
            public Builder recordNodeAfter(Duration after) { this.recordNodeAfter = after; return this; }
            public Builder orphanTimeout(Duration timeout) { this.orphanTimeout = timeout; return this; }
            public Builder previews(RoutingCatalog.Previews previews) { this.previews = previews; return this; }

            public Options build() {
                return new Options(limits, attemptTimeout, maxAttempts, resendDelay, recordRetention, ackTimeout, recordNodeAfter,
                        orphanTimeout, previews);
            }
        }
    }
}
