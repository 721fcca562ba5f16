package dev.modaweave.tools.internal;

import dev.modaweave.tools.JobRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.concurrent.TimeUnit;

/**
 * Job results in the cluster-wide map where the dispatcher keeps its job records. A worker writes the
 * result there as it replies, so a job whose reply was lost with its node is, most of the time, answered
 * from the map instead of being generated again; a worker given a resent job that already has a result
 * answers with it.
 */
public final class JobResults {

    private static final long RETENTION_MS = TimeUnit.HOURS.toMillis(24);

    private final AsyncMap<String, String> map;

    private JobResults(AsyncMap<String, String> map) {
        this.map = map;
    }

    /** The results map when {@code vertx} is clustered; null otherwise (the dispatcher then keeps records itself). */
    public static Future<JobResults> forVertx(Vertx vertx) {
        if (!vertx.isClustered()) {
            return Future.succeededFuture(null);
        }
        return vertx.sharedData().<String, String>getAsyncMap(JobRecord.MAP_NAME).map(JobResults::new);
    }

    /** The record of {@code jobId} when it has an artifact, else null. */
    public Future<JsonObject> completed(String jobId) {
        return map.get(jobId).map(text -> {
            if (text == null) {
                return null;
            }
            JsonObject record = new JsonObject(text);
            return JobRecord.fromJson(record).hasArtifact() ? record : null;
        });
    }

    /**
     * Writes the completed {@link JobRecord} of a job.
     *
     * @param artifact the artifact's metadata as {@link ArtifactJson} writes it
     */
    public Future<Void> record(String jobId, String tool, String node, int attempts, String artifactId, JsonObject artifact) {
        return map.put(jobId, JobRecord.completed(jobId, tool, node, attempts, artifactId, artifact).toJson().encode(), RETENTION_MS);
    }
}
