package dev.modaweave.agent;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One call of a {@link DispatchTurn} as a job: its place in the turn's graph (what it waits for, who
 * waits for it), its {@link JobState}, the tool it was routed to, and what the current attempt knows
 * (worker node, timers). Confined to the dispatcher's context.
 */
final class DispatchJob {
    final DispatchTurn turn;
    final MetaResponse call;
    final String jobId;
    final Set<String> waitingOn = new LinkedHashSet<>();
    final List<DispatchJob> dependents = new ArrayList<>();
    JobState state = JobState.PENDING;
    String tool;
    String artifactId;
    JsonObject artifact;
    JsonObject error;

    // the current attempt, owned by JobAttempts
    String node;
    String control;
    int attempts;
    long token;
    long firstSent;
    long sentAt;
    long deadline;
    long recordTimer = -1;
    long ackTimer = -1;
    long orphanTimer = -1;
    boolean countedInFlight;
    boolean reserved;
    boolean recorded;
    boolean recordedByWorker;

    DispatchJob(DispatchTurn turn, MetaResponse call) {
        this.turn = turn;
        this.call = call;
        this.jobId = turn.turnId + ":" + call.id();
    }

    boolean isDone() {
        return state.isDone();
    }

    /** The job as an event of {@code type}: call, job, tool, state, and its artifact or error once it has one. */
    JsonObject outcome(String type) {
        JsonObject o = new JsonObject().put("type", type).put("callId", call.id()).put("jobId", jobId)
                .put("tool", tool).put("state", state.wireName());
        if (artifactId != null) {
            o.put("artifactId", artifactId).put("artifact", artifact);
        }
        if (error != null) {
            o.put("error", error);
        }
        return o;
    }
}
