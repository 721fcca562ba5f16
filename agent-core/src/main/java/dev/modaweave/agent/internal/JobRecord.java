package dev.modaweave.agent.internal;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * What the dispatcher remembers about one job, kept in the {@link JobLedger} so that a job whose
 * worker died is retried elsewhere and a job that already has an artifact is never generated again.
 *
 * @param jobId      {@code <turnId>:<callId>}
 * @param state      {@code running}, {@code completed}, {@code failed} or {@code cancelled}
 * @param tool       the tool it was routed to
 * @param node       the node of the worker running it, or null before a worker picked it up
 * @param attempts   how many times it was sent to a worker
 * @param deadline   epoch millis by which the current attempt must answer
 * @param artifactId the result, once completed
 * @param artifact   the result's metadata as JSON, once completed
 */
public record JobRecord(String jobId, String state, String tool, String node, int attempts, long deadline,
                        String artifactId, JsonObject artifact) {

    public JobRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
    }

    public JsonObject toJson() {
        return new JsonObject().put("jobId", jobId).put("state", state).put("tool", tool).put("node", node)
                .put("attempts", attempts).put("deadline", deadline).put("artifactId", artifactId).put("artifact", artifact);
    }

    public static JobRecord fromJson(JsonObject o) {
        return new JobRecord(o.getString("jobId"), o.getString("state"), o.getString("tool"), o.getString("node"),
                o.getInteger("attempts", 0), o.getLong("deadline", 0L), o.getString("artifactId"), o.getJsonObject("artifact"));
    }
}
