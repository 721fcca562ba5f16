package dev.modaweave.tools;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * What is remembered about one dispatched job, the one format of the job records: the dispatcher keeps them
 * (in the cluster map {@link #MAP_NAME} when clustered) so that a job whose worker died is retried elsewhere,
 * and a worker writes the {@code completed} record there as it replies, so that a job that already has an
 * artifact is never generated again.
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

    /** The name of the cluster map of job records (key: job id, value: the record's JSON text). */
    public static final String MAP_NAME = "modaweave.jobs";

    public JobRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
    }

    /** The record of a job whose worker produced {@code artifactId}. */
    public static JobRecord completed(String jobId, String tool, String node, int attempts, String artifactId, JsonObject artifact) {
        return new JobRecord(jobId, "completed", tool, node, attempts, 0L, artifactId, artifact);
    }

    /** Whether this record holds a result. */
    public boolean hasArtifact() {
        return Artifact.isValidId(artifactId);
    }

    /** The record as JSON, the form it has in the cluster map. */
    public JsonObject toJson() {
        return new JsonObject().put("jobId", jobId).put("state", state).put("tool", tool).put("node", node)
                .put("attempts", attempts).put("deadline", deadline).put("artifactId", artifactId).put("artifact", artifact);
    }

    /** A record from its JSON form. */
    public static JobRecord fromJson(JsonObject o) {
        return new JobRecord(o.getString("jobId"), o.getString("state"), o.getString("tool"), o.getString("node"),
                o.getInteger("attempts", 0), o.getLong("deadline", 0L), o.getString("artifactId"), o.getJsonObject("artifact"));
    }
}
