package dev.modaweave.agent;

import dev.modaweave.agent.internal.JobLedger;
import dev.modaweave.tools.JobRecord;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The attempts of running jobs: sends a job to its tool's address, and sends it again when its worker's
 * node leaves, when no worker acknowledges it, when it misses its deadline or when a busy worker refused
 * it unrun; fails it with {@code no_worker} when no live worker takes it within the orphan timeout.
 * Before every send the job's record in the {@link JobLedger} is read, so a job that already has an
 * artifact is never generated twice. Every timer comes from the {@link DispatchClock}. Confined to the
 * dispatcher's context.
 */
final class JobAttempts {

    /** What the dispatcher does with the attempts' outcomes. */
    interface Outcomes {
        void emit(DispatchJob job, Supplier<JsonObject> event);

        void completed(DispatchJob job, String artifactId, JsonObject artifact, boolean reused);

        void failed(DispatchJob job, JsonObject error);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Vertx vertx;
    private final DispatchClock clock;
    private final Dispatcher.Options options;
    private final JobLedger ledger;
    private final ToolRegistry registry;
    private final JobRouter router;
    private final String eventsAddress;
    private final Outcomes outcomes;
    private final Map<String, DispatchJob> running = new HashMap<>();
    private long suspectUntil;

    JobAttempts(Vertx vertx, DispatchClock clock, Dispatcher.Options options, JobLedger ledger, ToolRegistry registry,
                JobRouter router, String eventsAddress, Outcomes outcomes) {
        this.vertx = vertx;
        this.clock = clock;
        this.options = options;
        this.ledger = ledger;
        this.registry = registry;
        this.router = router;
        this.eventsAddress = eventsAddress;
        this.outcomes = outcomes;
    }

    /** Starts a job whose inputs exist: answered from its record if it has an artifact, else routed and sent. */
    void start(DispatchJob job) {
        job.state = JobState.RUNNING;
        ledger.get(job.jobId).onComplete(found -> {
            if (job.isDone()) {
                return;
            }
            JobRecord record = found.succeeded() ? found.result() : null;
            if (record != null && record.artifactId() != null) {
                job.tool = record.tool();
                outcomes.completed(job, record.artifactId(), record.artifact(), true);
                return;
            }
            JobRouter.Route route = router.assign(job, job.turn.arguments(job));
            if (route.tool() == null) {
                outcomes.failed(job, route.error());
                return;
            }
            outcomes.emit(job, () -> job.outcome(DispatchProtocol.STARTED));
            send(job);
        });
    }

    /** Sends the job again, unless an earlier attempt's result is already on record (its reply was lost). */
    private void resend(DispatchJob job) {
        if (job.call.tool() == null && !registry.isAvailable(job.tool)) {
            // another tool of the task may take what this one's vanished workers cannot
            router.assign(job, job.turn.arguments(job));
        }
        long token = ++job.token;
        ledger.get(job.jobId).onComplete(found -> {
            if (job.isDone() || token != job.token) {
                return;
            }
            JobRecord record = found.succeeded() ? found.result() : null;
            if (record != null && record.artifactId() != null) {
                outcomes.completed(job, record.artifactId(), record.artifact(), true);
            } else {
                send(job);
            }
        });
    }

    private void send(DispatchJob job) {
        if (job.firstSent == 0) {
            job.firstSent = clock.millis();
        }
        job.attempts++;
        long token = ++job.token;
        job.node = null;
        job.control = null;
        job.sentAt = clock.millis();
        job.deadline = job.sentAt + options.attemptTimeout().toMillis();
        running.put(job.jobId, job);
        job.recorded = false;
        stopTimers(job);
        // jobs that end quickly get a single record write, when they end
        job.recordTimer = clock.setTimer(options.recordNodeAfter().toMillis(), () -> {
            if (!job.isDone() && token == job.token) {
                job.recorded = true;
                ledger.put(record(job, JobState.RUNNING));
            }
        });
        long ackTimeout = job.sentAt < suspectUntil
                ? Math.min(options.ackTimeout().toMillis(), options.resendDelay().toMillis() * 5)
                : options.ackTimeout().toMillis();
        job.ackTimer = clock.setTimer(ackTimeout, () -> {
            if (!job.isDone() && token == job.token && job.node == null) {
                // every worker that receives a call answers or reports it at once: this one was lost
                LOG.info("no worker acknowledged job {} within {} ms; sending it again", job.jobId, ackTimeout);
                if (!registry.isAvailable(job.tool)) {
                    orphaned(job, "no live worker of '" + job.tool + "' acknowledged it");
                }
                job.attempts--;
                resend(job);
            }
        });
        JsonObject request = new JsonObject()
                .put("jobId", job.jobId)
                .put("args", Json.toJsonObject(job.turn.arguments(job)))
                .put("attempt", job.attempts)
                .put("events", eventsAddress);
        vertx.eventBus().<JsonObject>request(EventBusAddresses.tool(job.tool), request,
                        new DeliveryOptions().setSendTimeout(options.attemptTimeout().toMillis()))
                .onComplete(ar -> onReply(job, token, ar));
    }

    private void onReply(DispatchJob job, long token, AsyncResult<Message<JsonObject>> ar) {
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
                outcomes.completed(job, reply.getString("artifactId"), reply.getJsonObject("artifact"), false);
            } else if (token == job.token) {
                JsonObject e = reply.getJsonObject("error", new JsonObject());
                if (refusedBeforeRunning(reply, e) && registry.isAvailable(job.tool) && withinBudget(job)) {
                    // the worker was busy and never ran it: another worker (or this one, later) may take it
                    job.attempts--;
                    long resend = options.resendDelay().toMillis();
                    long delay = Math.max(resend, Math.min(resend * 5, e.getLong("retryAfterMs", resend)));
                    clock.setTimer(delay, () -> {
                        if (!job.isDone() && token == job.token) {
                            resend(job);
                        }
                    });
                    return;
                }
                outcomes.failed(job, Dispatcher.error(e.getString("code", "failed"), e.getString("message", "the tool failed"),
                        e.getBoolean("retriable", false)).put("retryAfterMs", e.getLong("retryAfterMs")));
            }
            return;
        }
        if (token != job.token) {
            return;
        }
        ReplyFailure failure = ar.cause() instanceof ReplyException re ? re.failureType() : ReplyFailure.ERROR;
        if (failure == ReplyFailure.TIMEOUT) {
            retryOrFail(job, "'" + job.tool + "' did not answer job " + job.jobId + " within "
                    + options.attemptTimeout().toMillis() + " ms");
            return;
        }
        // the message never reached a worker (none registered, or its node is unreachable): not an attempt
        job.attempts--;
        orphaned(job, "no worker of '" + job.tool + "' could be reached (" + ar.cause().getMessage() + ")");
        if (!withinBudget(job)) {
            outcomes.failed(job, Dispatcher.error("unavailable", "no worker of '" + job.tool + "' could be reached for job "
                    + job.jobId + ": " + ar.cause().getMessage(), true));
            return;
        }
        clock.setTimer(options.resendDelay().toMillis(), () -> {
            if (!job.isDone() && token == job.token) {
                resend(job);
            }
        });
    }

    private static boolean refusedBeforeRunning(JsonObject reply, JsonObject error) {
        return reply.getInteger("attempts", 1) == 0 && error.getBoolean("retriable", false)
                && "unavailable".equals(error.getString("code"));
    }

    /**
     * No live worker can take the job right now. It keeps being sent, so a worker that returns gets it, but if none
     * has acknowledged it {@code orphanTimeout} after it was orphaned, it fails with {@code no_worker}.
     */
    private void orphaned(DispatchJob job, String why) {
        if (job.orphanTimer >= 0 || job.isDone()) {
            return;
        }
        long since = clock.millis();
        LOG.info("job {} is orphaned: {}; it fails unless a worker takes it within {} ms", job.jobId, why,
                options.orphanTimeout().toMillis());
        job.orphanTimer = clock.setTimer(options.orphanTimeout().toMillis(), () -> {
            job.orphanTimer = -1;
            if (!job.isDone() && job.node == null) {
                outcomes.failed(job, Dispatcher.error("no_worker", "no worker took job " + job.jobId + " of '" + job.tool
                        + "' within " + (clock.millis() - since) + " ms: " + why + "; start a worker of that tool and try again", true));
            }
        });
    }

    private void clearOrphan(DispatchJob job) {
        if (job.orphanTimer >= 0) {
            clock.cancelTimer(job.orphanTimer);
            job.orphanTimer = -1;
        }
    }

    /** Whether the job may still be resent: its whole budget is maxAttempts deadlines from its first send. */
    private boolean withinBudget(DispatchJob job) {
        return clock.millis() - job.firstSent <= options.attemptTimeout().toMillis() * options.maxAttempts();
    }

    private void retryOrFail(DispatchJob job, String why) {
        if (job.attempts < options.maxAttempts()) {
            LOG.info("{}; sending it again (attempt {} of {})", why, job.attempts + 1, options.maxAttempts());
            resend(job);
        } else {
            outcomes.failed(job, Dispatcher.error("timeout", why + "; gave up after " + job.attempts + " attempts", true));
        }
    }

    /** An event from a worker about a running job: acknowledgement, assignment or progress. */
    void onWorkerEvent(JsonObject event) {
        DispatchJob job = running.get(event.getString("jobId", ""));
        if (job == null || job.isDone()) {
            return;
        }
        String type = event.getString("type", "");
        if (type.equals("accepted") || type.equals("started")) {
            boolean changed = !Objects.equals(job.node, event.getString("node"));
            job.node = event.getString("node");
            clearOrphan(job);
            job.control = event.getString("control");
            if (job.recorded && changed) {
                ledger.put(record(job, JobState.RUNNING));
            }
            if (type.equals("accepted")) {
                outcomes.emit(job, () -> job.outcome(DispatchProtocol.ASSIGNED).put("node", job.node));
                return;
            }
        }
        outcomes.emit(job, () -> job.outcome(DispatchProtocol.PROGRESS).put("fraction", event.getDouble("fraction", 0.0))
                .put("message", event.getString("message", "")).put("node", event.getString("node")));
    }

    /** A node left the cluster: its jobs, and jobs that may have been sent to it unacknowledged, are sent again. */
    void nodeLeft(String node) {
        // calls sent just before the node's subscriptions were dropped may have gone to it and been lost on the
        // way; a live worker acknowledges within milliseconds, so what is still unacknowledged a moment later
        // is sent again without waiting for the acknowledgement timeout
        long leftAt = clock.millis();
        // until the bus has dropped the node's subscriptions, calls may still be routed to it
        suspectUntil = leftAt + options.ackTimeout().toMillis();
        clock.setTimer(options.resendDelay().toMillis() * 5, () -> {
            for (DispatchJob job : new ArrayList<>(running.values())) {
                if (!job.isDone() && job.node == null && job.sentAt <= leftAt) {
                    LOG.info("job {} was sent as node {} left and no worker acknowledged it; sending it again", job.jobId, node);
                    job.attempts--;
                    resend(job);
                }
            }
        });
        for (DispatchJob job : new ArrayList<>(running.values())) {
            if (!job.isDone() && node.equals(job.node)) {
                LOG.info("the worker of job {} was on node {}, which left; sending the job again", job.jobId, node);
                if (!registry.isAvailable(job.tool)) {
                    orphaned(job, "its worker's node " + node + " left and no other worker of '" + job.tool + "' is live");
                }
                resend(job);
            }
        }
    }

    /** The job ended: its timers stop and its final state is recorded (unless the worker did, or it was reused). */
    void ended(DispatchJob job, boolean reused) {
        stopTimers(job);
        clearOrphan(job);
        running.remove(job.jobId);
        if (job.state == JobState.COMPLETED ? !reused && !job.recordedByWorker : job.state == JobState.FAILED && job.tool != null) {
            ledger.put(record(job, job.state));
        }
    }

    /** Asks the job's worker to stop it; a job no worker acknowledged yet is cancelled by whichever gets it. */
    void cancel(DispatchJob job, String reason) {
        if (job.tool != null && running.containsKey(job.jobId)) {
            if (job.control != null) {
                vertx.eventBus().send(job.control, new JsonObject().put("action", "cancel")
                        .put("jobId", job.jobId).put("reason", reason));
            } else {
                vertx.eventBus().publish(EventBusAddresses.CANCEL, new JsonObject().put("jobId", job.jobId).put("reason", reason));
            }
        }
    }

    /**
     * Cancels the job's record and acknowledgement timers. A timer left to fire after its job ended
     * would keep the job, its turn and its result reachable for the whole acknowledgement timeout.
     */
    private void stopTimers(DispatchJob job) {
        if (job.recordTimer >= 0) {
            clock.cancelTimer(job.recordTimer);
            job.recordTimer = -1;
        }
        if (job.ackTimer >= 0) {
            clock.cancelTimer(job.ackTimer);
            job.ackTimer = -1;
        }
    }

    private static JobRecord record(DispatchJob job, JobState state) {
        return new JobRecord(job.jobId, state.wireName(), job.tool, job.node, job.attempts, job.deadline, job.artifactId, job.artifact);
    }
}
