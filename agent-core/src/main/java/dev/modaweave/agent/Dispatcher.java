package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.internal.JobLedger;
import dev.modaweave.agent.internal.JobRecord;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The verticle on {@link EventBusAddresses#DISPATCH} that runs the meta-responses of a turn.
 *
 * <p>It validates the calls with {@link MetaResponseValidator} (nothing runs when any call is
 * invalid), picks a tool for each call by task among the available tools with the least load,
 * builds the dependency graph from the {@code {"$ref": id}} arguments, sends independent calls at
 * once and dependent ones as soon as the artifacts they need exist (the reference replaced by the
 * artifact id), and reports each call's outcome with the request id. Cancelling a turn cancels its
 * pending and running calls. Only artifact ids travel on the bus.
 *
 * <p>Every job has a record in a {@link JobLedger} (memory when embedded, the cluster's map when
 * clustered). A job whose worker's node leaves, or which misses its deadline, is sent again (the
 * bus picks another worker); a job id that already has an artifact is answered from the ledger and
 * never generated again. The JSON formats are in the agent-core README.
 */
public final class Dispatcher extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ToolRegistry registry;
    private final Options options;
    private final MetaResponseValidator validator;
    private final String eventsAddress = "modaweave.dispatcher." + UUID.randomUUID();
    private final Map<String, Turn> turns = new HashMap<>();
    private final Map<String, Job> running = new HashMap<>();
    private final Map<String, Integer> inFlightByTool = new HashMap<>();
    private JobLedger ledger;
    private MessageConsumer<JsonObject> dispatchConsumer;
    private MessageConsumer<JsonObject> eventsConsumer;
    private Runnable nodeLeftRegistration;
    private long suspectUntil;

    private Dispatcher(ToolRegistry registry, Options options) {
        this.registry = registry;
        this.options = options;
        this.validator = new MetaResponseValidator(registry, options.limits());
    }

    /** A dispatcher routing to the tools of {@code registry}, with default {@link Options}. */
    public static Dispatcher of(ToolRegistry registry) {
        return of(registry, Options.builder().build());
    }

    public static Dispatcher of(ToolRegistry registry, Options options) {
        return new Dispatcher(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(options, "options"));
    }

    @Override
    public Future<?> start() {
        return JobLedger.forVertx(vertx, options.recordRetention().toMillis()).compose(l -> {
            ledger = l;
            nodeLeftRegistration = registry.onNodeLeft(node -> context.runOnContext(v -> nodeLeft(node)));
            dispatchConsumer = vertx.eventBus().consumer(EventBusAddresses.DISPATCH, this::onRequest);
            eventsConsumer = vertx.eventBus().consumer(eventsAddress, this::onWorkerEvent);
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

    // ---- requests -------------------------------------------------------------------------------

    private void onRequest(Message<JsonObject> message) {
        JsonObject body = message.body();
        if (body == null) {
            message.reply(rejection(null, null, "bad_request", "a dispatch request is a JSON object"));
            return;
        }
        String action = body.getString("action", "dispatch");
        String requestId = body.getString("requestId");
        String turnId = body.getString("turnId");
        if (turnId == null || !MetaResponse.ID.matcher(turnId).matches()) {
            message.reply(rejection(requestId, turnId, "bad_request",
                    "turnId is missing or invalid; use 1-64 letters, digits, '_', '-' or '.'"));
            return;
        }
        switch (action) {
            case "dispatch" -> dispatch(message, body, requestId, turnId);
            case "cancel" -> {
                Turn turn = turns.get(turnId);
                int cancelled = turn == null ? 0 : cancelTurn(turn, body.getString("reason", "the turn was cancelled"));
                message.reply(new JsonObject().put("requestId", requestId).put("turnId", turnId).put("cancelled", cancelled));
            }
            default -> message.reply(rejection(requestId, turnId, "bad_request",
                    "unknown action '" + action + "'; use dispatch or cancel"));
        }
    }

    private void dispatch(Message<JsonObject> message, JsonObject body, String requestId, String turnId) {
        List<MetaResponse> calls = new ArrayList<>();
        JsonArray rawCalls = body.getJsonArray("calls", new JsonArray());
        try {
            for (Object raw : rawCalls) {
                if (!(raw instanceof JsonObject c)) {
                    throw new IllegalArgumentException("every entry of calls must be an object {id, task|tool, args}");
                }
                ObjectNode args = Json.toObjectNode(c.getJsonObject("args", new JsonObject()));
                calls.add(new MetaResponse(c.getString("id"), c.getString("task"), c.getString("tool"),
                        args, Dialect.CANONICAL));
            }
        } catch (RuntimeException e) {
            message.reply(rejection(requestId, turnId, "bad_request", e.getMessage()));
            return;
        }
        if (calls.isEmpty()) {
            message.reply(rejection(requestId, turnId, "bad_request", "the request has no calls"));
            return;
        }
        Set<String> known = new HashSet<>();
        for (Object id : body.getJsonArray("knownArtifacts", new JsonArray())) {
            if (id instanceof String s && Artifact.isValidId(s)) {
                known.add(s);
            }
        }
        Turn existing = turns.get(turnId);
        List<MetaResponse> all = new ArrayList<>();
        if (existing != null) {
            existing.jobs.values().forEach(j -> all.add(j.call));
            known.addAll(existing.known);
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
        Turn turn = existing != null ? existing
                : new Turn(requestId, turnId, body.getString("events"), body.getBoolean("await", false) ? message : null);
        turn.known.addAll(known);
        turns.put(turnId, turn);
        JsonArray accepted = new JsonArray();
        List<Job> added = new ArrayList<>();
        for (MetaResponse call : calls) {
            Job job = new Job(turn, call);
            turn.jobs.put(call.id(), job);
            turn.open++;
            added.add(job);
            accepted.add(new JsonObject().put("callId", call.id()).put("jobId", job.jobId));
        }
        for (Job job : added) {
            for (String ref : job.call.references()) {
                Job dep = turn.jobs.get(ref);
                if (dep != null && !"completed".equals(dep.state)) {
                    job.waitingOn.add(ref);
                    dep.dependents.add(job);
                }
            }
        }
        if (turn.awaitMessage == null || turn.awaitMessage != message) {
            message.reply(new JsonObject().put("requestId", requestId).put("turnId", turnId)
                    .put("accepted", true).put("calls", accepted));
        }
        for (Job job : added) {
            if (job.waitingOn.isEmpty()) {
                start(job);
            }
        }
    }

    private static JsonObject rejection(String requestId, String turnId, String code, String message) {
        return new JsonObject().put("requestId", requestId).put("turnId", turnId).put("accepted", false)
                .put("errors", new JsonArray().add(new JsonObject().put("code", code).put("message", message)));
    }

    // ---- jobs -----------------------------------------------------------------------------------

    private void start(Job job) {
        job.state = "running";
        ledger.get(job.jobId).onComplete(found -> {
            if (job.isDone()) {
                return;
            }
            JobRecord record = found.succeeded() ? found.result() : null;
            if (record != null && record.artifactId() != null) {
                job.tool = record.tool();
                complete(job, record.artifactId(), record.artifact(), true);
                return;
            }
            String tool = chooseTool(job);
            if (tool == null) {
                return;
            }
            job.tool = tool;
            emit(job.turn, () -> outcome(job, "started"));
            send(job);
        });
    }

    /** The available tool for the call with the least load, or null after failing the job. */
    private String chooseTool(Job job) {
        List<ToolDescriptor> candidates = job.call.tool() != null
                ? registry.byName(job.call.tool()).stream().toList()
                : registry.byTask(job.call.task());
        ToolDescriptor best = null;
        double bestLoad = Double.MAX_VALUE;
        List<String> unavailable = new ArrayList<>();
        for (ToolDescriptor d : candidates) {
            ToolRegistry.Availability a = registry.availability(d.name());
            if (a != ToolRegistry.Availability.AVAILABLE) {
                unavailable.add(d.name() + " (" + a.name().toLowerCase(Locale.ROOT) + ")");
                continue;
            }
            double load = registry.load(d.name()) + (double) inFlightByTool.getOrDefault(d.name(), 0) / d.capacity();
            if (load < bestLoad) {
                best = d;
                bestLoad = load;
            }
        }
        if (best == null) {
            fail(job, error("unavailable", "no tool can serve " + describe(job.call) + " right now: "
                    + (unavailable.isEmpty() ? "none is registered" : String.join(", ", unavailable))
                    + "; try again later", true));
            return null;
        }
        return best.name();
    }

    /** Sends the job again, unless an earlier attempt's result is already on record (its reply was lost). */
    private void resend(Job job) {
        long token = ++job.token;
        ledger.get(job.jobId).onComplete(found -> {
            if (job.isDone() || token != job.token) {
                return;
            }
            JobRecord record = found.succeeded() ? found.result() : null;
            if (record != null && record.artifactId() != null) {
                complete(job, record.artifactId(), record.artifact(), true);
            } else {
                send(job);
            }
        });
    }

    private void send(Job job) {
        if (job.firstSent == 0) {
            job.firstSent = System.currentTimeMillis();
        }
        job.attempts++;
        long token = ++job.token;
        job.node = null;
        job.control = null;
        job.sentAt = System.currentTimeMillis();
        job.deadline = job.sentAt + options.attemptTimeout().toMillis();
        running.put(job.jobId, job);
        inFlightByTool.merge(job.tool, 1, Integer::sum);
        job.countedInFlight = true;
        job.recorded = false;
        stopTimers(job);
        // jobs that end quickly get a single record write, when they end
        job.recordTimer = vertx.setTimer(options.recordNodeAfter().toMillis(), t -> {
            if (!job.isDone() && token == job.token) {
                job.recorded = true;
                ledger.put(record(job, "running"));
            }
        });
        long ackTimeout = job.sentAt < suspectUntil
                ? Math.min(options.ackTimeout().toMillis(), options.resendDelay().toMillis() * 5)
                : options.ackTimeout().toMillis();
        job.ackTimer = vertx.setTimer(ackTimeout, t -> {
            if (!job.isDone() && token == job.token && job.node == null) {
                // every worker that receives a call answers or reports it at once: this one was lost
                LOG.info("no worker acknowledged job {} within {} ms; sending it again", job.jobId, ackTimeout);
                releaseInFlight(job);
                job.attempts--;
                resend(job);
            }
        });
        JsonObject request = new JsonObject()
                .put("jobId", job.jobId)
                .put("args", Json.toJsonObject(substitute(job)))
                .put("attempt", job.attempts)
                .put("events", eventsAddress);
        vertx.eventBus().<JsonObject>request(EventBusAddresses.tool(job.tool), request,
                        new DeliveryOptions().setSendTimeout(options.attemptTimeout().toMillis()))
                .onComplete(ar -> onReply(job, token, ar));
    }

    /** The call's arguments with every {@code $ref} replaced by its artifact id; the call's own when it has none. */
    private ObjectNode substitute(Job job) {
        if (job.call.references().isEmpty()) {
            return job.call.args();
        }
        ObjectNode args = job.call.args().deepCopy();
        replaceRefs(args, job.turn);
        return args;
    }

    private static void replaceRefs(JsonNode node, Turn turn) {
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
            List<String> names = new ArrayList<>();
            fields.forEachRemaining(f -> names.add(f.getKey()));
            for (String name : names) {
                JsonNode value = obj.get(name);
                if (MetaResponse.isReference(value)) {
                    obj.put(name, resolveRef(value.get(MetaResponse.REF).asText(), turn));
                } else {
                    replaceRefs(value, turn);
                }
            }
        } else if (node != null && node.isArray()) {
            var array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                if (MetaResponse.isReference(array.get(i))) {
                    array.set(i, Json.MAPPER.getNodeFactory().textNode(resolveRef(array.get(i).get(MetaResponse.REF).asText(), turn)));
                } else {
                    replaceRefs(array.get(i), turn);
                }
            }
        }
    }

    private static String resolveRef(String ref, Turn turn) {
        Job dep = turn.jobs.get(ref);
        return dep != null ? dep.artifactId : ref;
    }

    private void onReply(Job job, long token, AsyncResult<Message<JsonObject>> ar) {
        if (job.isDone()) {
            if (ar.succeeded() && ar.result().body().getBoolean("ok", false)
                    && !Objects.equals(job.artifactId, ar.result().body().getString("artifactId"))) {
                LOG.warn("job {} produced a second artifact {} after it completed; keeping {}", job.jobId,
                        ar.result().body().getString("artifactId"), job.artifactId);
            }
            return;
        }
        if (ar.succeeded()) {
            JsonObject reply = ar.result().body();
            if (reply.getBoolean("ok", false)) {
                job.node = reply.getString("node", job.node);
                job.recordedByWorker = reply.getBoolean("recorded", false);
                complete(job, reply.getString("artifactId"), reply.getJsonObject("artifact"), false);
            } else if (token == job.token) {
                JsonObject e = reply.getJsonObject("error", new JsonObject());
                if (refusedBeforeRunning(reply, e) && registry.isAvailable(job.tool) && withinBudget(job)) {
                    // the worker was busy and never ran it: another worker (or this one, later) may take it
                    releaseInFlight(job);
                    job.attempts--;
                    long resend = options.resendDelay().toMillis();
                    long delay = Math.max(resend, Math.min(resend * 5, e.getLong("retryAfterMs", resend)));
                    vertx.setTimer(delay, t -> {
                        if (!job.isDone() && token == job.token) {
                            resend(job);
                        }
                    });
                    return;
                }
                fail(job, error(e.getString("code", "failed"), e.getString("message", "the tool failed"),
                        e.getBoolean("retriable", false)).put("retryAfterMs", e.getLong("retryAfterMs")));
            }
            return;
        }
        if (token != job.token) {
            return;
        }
        releaseInFlight(job);
        ReplyFailure failure = ar.cause() instanceof ReplyException re ? re.failureType() : ReplyFailure.ERROR;
        if (failure == ReplyFailure.TIMEOUT) {
            retryOrFail(job, "'" + job.tool + "' did not answer job " + job.jobId + " within "
                    + options.attemptTimeout().toMillis() + " ms");
            return;
        }
        // the message never reached a worker (none registered, or its node is unreachable): not an attempt
        job.attempts--;
        if (!withinBudget(job)) {
            fail(job, error("unavailable", "no worker of '" + job.tool + "' could be reached for job " + job.jobId
                    + ": " + ar.cause().getMessage(), true));
            return;
        }
        vertx.setTimer(options.resendDelay().toMillis(), t -> {
            if (!job.isDone() && token == job.token) {
                resend(job);
            }
        });
    }

    private static boolean refusedBeforeRunning(JsonObject reply, JsonObject error) {
        return reply.getInteger("attempts", 1) == 0 && error.getBoolean("retriable", false)
                && "unavailable".equals(error.getString("code"));
    }

    /** Whether the job may still be resent: its whole budget is maxAttempts deadlines from its first send. */
    private boolean withinBudget(Job job) {
        return System.currentTimeMillis() - job.firstSent <= options.attemptTimeout().toMillis() * options.maxAttempts();
    }

    private void retryOrFail(Job job, String why) {
        if (job.attempts < options.maxAttempts()) {
            LOG.info("{}; sending it again (attempt {} of {})", why, job.attempts + 1, options.maxAttempts());
            resend(job);
        } else {
            fail(job, error("timeout", why + "; gave up after " + job.attempts + " attempts", true));
        }
    }

    private void onWorkerEvent(Message<JsonObject> message) {
        JsonObject event = message.body();
        Job job = running.get(event.getString("jobId", ""));
        if (job == null || job.isDone()) {
            return;
        }
        String type = event.getString("type", "");
        if (type.equals("accepted") || type.equals("started")) {
            boolean changed = !Objects.equals(job.node, event.getString("node"));
            job.node = event.getString("node");
            job.control = event.getString("control");
            if (job.recorded && changed) {
                ledger.put(record(job, "running"));
            }
            if (type.equals("accepted")) {
                emit(job.turn, () -> outcome(job, "assigned").put("node", job.node));
                return;
            }
        }
        emit(job.turn, () -> outcome(job, "progress").put("fraction", event.getDouble("fraction", 0.0))
                .put("message", event.getString("message", "")).put("node", event.getString("node")));
    }

    private void nodeLeft(String node) {
        // calls sent just before the node's subscriptions were dropped may have gone to it and been lost on the
        // way; a live worker acknowledges within milliseconds, so what is still unacknowledged a moment later
        // is sent again without waiting for the acknowledgement timeout
        long leftAt = System.currentTimeMillis();
        // until the bus has dropped the node's subscriptions, calls may still be routed to it
        suspectUntil = leftAt + options.ackTimeout().toMillis();
        vertx.setTimer(options.resendDelay().toMillis() * 5, t -> {
            for (Job job : new ArrayList<>(running.values())) {
                if (!job.isDone() && job.node == null && job.sentAt <= leftAt) {
                    LOG.info("job {} was sent as node {} left and no worker acknowledged it; sending it again", job.jobId, node);
                    releaseInFlight(job);
                    job.attempts--;
                    resend(job);
                }
            }
        });
        for (Job job : new ArrayList<>(running.values())) {
            if (!job.isDone() && node.equals(job.node)) {
                LOG.info("the worker of job {} was on node {}, which left; sending the job again", job.jobId, node);
                releaseInFlight(job);
                resend(job);
            }
        }
    }

    private void complete(Job job, String artifactId, JsonObject artifact, boolean reused) {
        releaseInFlight(job);
        stopTimers(job);
        job.state = "completed";
        job.artifactId = artifactId;
        job.artifact = artifact;
        running.remove(job.jobId);
        // a 'running' record this dispatcher wrote may land after the worker's 'completed' one: overwrite it
        if (!reused && (!job.recordedByWorker || job.recorded)) {
            ledger.put(record(job, "completed"));
        }
        emit(job.turn, () -> outcome(job, "completed").put("reused", reused));
        for (Job d : job.dependents) {
            d.waitingOn.remove(job.call.id());
            if (d.waitingOn.isEmpty() && "pending".equals(d.state)) {
                start(d);
            }
        }
        finishOne(job.turn);
    }

    private void fail(Job job, JsonObject error) {
        if (job.isDone()) {
            return;
        }
        releaseInFlight(job);
        stopTimers(job);
        job.state = "failed";
        job.error = error;
        running.remove(job.jobId);
        if (job.tool != null) {
            ledger.put(record(job, "failed"));
        }
        emit(job.turn, () -> outcome(job, "failed"));
        for (Job d : job.dependents) {
            fail(d, error("dependency_failed", "call '" + d.call.id() + "' needs the result of '" + job.call.id()
                    + "', which failed: " + error.getString("message"), false));
        }
        finishOne(job.turn);
    }

    private int cancelTurn(Turn turn, String reason) {
        int cancelled = 0;
        for (Job job : new ArrayList<>(turn.jobs.values())) {
            if (job.isDone()) {
                continue;
            }
            if (job.tool != null && running.containsKey(job.jobId)) {
                if (job.control != null) {
                    vertx.eventBus().send(job.control, new JsonObject().put("action", "cancel")
                            .put("jobId", job.jobId).put("reason", reason));
                } else {
                    // no worker has acknowledged the call yet: whichever gets it, now or in a moment, cancels it
                    vertx.eventBus().publish(EventBusAddresses.CANCEL, new JsonObject().put("jobId", job.jobId).put("reason", reason));
                }
            }
            releaseInFlight(job);
            stopTimers(job);
            job.state = "cancelled";
            job.error = error("cancelled", reason, false);
            running.remove(job.jobId);
            emit(turn, () -> outcome(job, "cancelled"));
            cancelled++;
            finishOne(turn);
        }
        return cancelled;
    }

    private void finishOne(Turn turn) {
        turn.open--;
        if (turn.open > 0) {
            return;
        }
        turns.remove(turn.turnId);
        JsonArray outcomes = new JsonArray();
        turn.jobs.values().forEach(j -> outcomes.add(outcome(j, j.state)));
        emit(turn, () -> new JsonObject().put("type", "turn-done").put("outcomes", outcomes));
        if (turn.awaitMessage != null) {
            turn.awaitMessage.reply(new JsonObject().put("requestId", turn.requestId).put("turnId", turn.turnId)
                    .put("accepted", true).put("outcomes", outcomes));
        }
    }

    private void releaseInFlight(Job job) {
        if (job.countedInFlight) {
            job.countedInFlight = false;
            inFlightByTool.merge(job.tool, -1, Integer::sum);
        }
    }

    /**
     * Cancels the job's record and acknowledgement timers. A timer left to fire after its job ended
     * would keep the job, its turn and its result reachable for the whole acknowledgement timeout.
     */
    private void stopTimers(Job job) {
        if (job.recordTimer >= 0) {
            vertx.cancelTimer(job.recordTimer);
            job.recordTimer = -1;
        }
        if (job.ackTimer >= 0) {
            vertx.cancelTimer(job.ackTimer);
            job.ackTimer = -1;
        }
    }

    private JobRecord record(Job job, String state) {
        return new JobRecord(job.jobId, state, job.tool, job.node, job.attempts, job.deadline, job.artifactId, job.artifact);
    }

    /** Sends a turn's event to its listener; the event is only built when the turn has one. */
    private void emit(Turn turn, Supplier<JsonObject> event) {
        if (turn.events != null) {
            vertx.eventBus().send(turn.events, stamped(turn, event.get()));
        } else if (turn.awaitMessage == null) {
            vertx.eventBus().publish(EventBusAddresses.turn(turn.turnId), stamped(turn, event.get()));
        }
    }

    private static JsonObject stamped(Turn turn, JsonObject event) {
        return event.put("requestId", turn.requestId).put("turnId", turn.turnId);
    }

    private static JsonObject outcome(Job job, String type) {
        JsonObject o = new JsonObject().put("type", type).put("callId", job.call.id()).put("jobId", job.jobId)
                .put("tool", job.tool).put("state", job.state);
        if (job.artifactId != null) {
            o.put("artifactId", job.artifactId).put("artifact", job.artifact);
        }
        if (job.error != null) {
            o.put("error", job.error);
        }
        return o;
    }

    private static JsonObject error(String code, String message, boolean retriable) {
        return new JsonObject().put("code", code).put("message", message).put("retriable", retriable);
    }

    private static String describe(MetaResponse call) {
        return call.tool() != null ? "tool '" + call.tool() + "'" : "task '" + call.task() + "'";
    }

    private static final class Turn {
        final String requestId;
        final String turnId;
        final String events;
        final Message<JsonObject> awaitMessage;
        final Map<String, Job> jobs = new LinkedHashMap<>();
        final Set<String> known = new HashSet<>();
        int open;

        Turn(String requestId, String turnId, String events, Message<JsonObject> awaitMessage) {
            this.requestId = requestId;
            this.turnId = turnId;
            this.events = events;
            this.awaitMessage = awaitMessage;
        }
    }

    private static final class Job {
        final Turn turn;
        final MetaResponse call;
        final String jobId;
        final Set<String> waitingOn = new LinkedHashSet<>();
        final List<Job> dependents = new ArrayList<>();
        long firstSent;
        String state = "pending";
        String tool;
        String node;
        String control;
        int attempts;
        long token;
        long sentAt;
        long deadline;
        long recordTimer = -1;
        long ackTimer = -1;
        boolean countedInFlight;
        boolean recorded;
        boolean recordedByWorker;
        String artifactId;
        JsonObject artifact;
        JsonObject error;

        Job(Turn turn, MetaResponse call) {
            this.turn = turn;
            this.call = call;
            this.jobId = turn.turnId + ":" + call.id();
        }

        boolean isDone() {
            return state.equals("completed") || state.equals("failed") || state.equals("cancelled");
        }
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
     */
    public record Options(TurnLimits limits, Duration attemptTimeout, int maxAttempts, Duration resendDelay,
                          Duration recordRetention, Duration ackTimeout, Duration recordNodeAfter) {

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
        }

        public static Builder builder() {
            return new Builder();
        }

        /**
         * Defaults: {@link TurnLimits#defaults()}, 5 min per attempt, 3 attempts, 200 ms resend delay, 24 h records,
         * 5 s to acknowledge, running records written after 100 ms.
         */
        public static final class Builder {
            private TurnLimits limits = TurnLimits.defaults();
            private Duration attemptTimeout = Duration.ofMinutes(5);
            private int maxAttempts = 3;
            private Duration resendDelay = Duration.ofMillis(200);
            private Duration recordRetention = Duration.ofHours(24);
            private Duration ackTimeout = Duration.ofSeconds(5);
            private Duration recordNodeAfter = Duration.ofMillis(100);

            public Builder limits(TurnLimits limits) { this.limits = limits; return this; }
            public Builder attemptTimeout(Duration timeout) { this.attemptTimeout = timeout; return this; }
            public Builder maxAttempts(int attempts) { this.maxAttempts = attempts; return this; }
            public Builder resendDelay(Duration delay) { this.resendDelay = delay; return this; }
            public Builder recordRetention(Duration retention) { this.recordRetention = retention; return this; }
            public Builder ackTimeout(Duration timeout) { this.ackTimeout = timeout; return this; }
            public Builder recordNodeAfter(Duration after) { this.recordNodeAfter = after; return this; }

            public Options build() {
                return new Options(limits, attemptTimeout, maxAttempts, resendDelay, recordRetention, ackTimeout, recordNodeAfter);
            }
        }
    }
}
