package dev.modaweave.agent.internal;

import dev.modaweave.tools.JobRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where job records live: in memory when Vert.x runs embedded, in the cluster manager's
 * distributed map (a Hazelcast {@code IMap}) when clustered, so that every dispatcher in the
 * cluster sees which jobs already have an artifact.
 */
public interface JobLedger {

    /** The map's name in the cluster. */
    String MAP_NAME = JobRecord.MAP_NAME;

    Future<JobRecord> get(String jobId);

    /**
     * Writes the record. A record without a result never replaces one with a result: the news that a job
     * is running can arrive after its worker's result (a late attempt, another node), and the result wins.
     */
    Future<Void> put(JobRecord record);

    private static boolean hasArtifact(String recordJson) {
        return JobRecord.fromJson(new io.vertx.core.json.JsonObject(recordJson)).hasArtifact();
    }

    /** The ledger that fits {@code vertx}: clustered map when clustered, memory otherwise. */
    static Future<JobLedger> forVertx(Vertx vertx, long retentionMillis) {
        if (vertx.isClustered()) {
            return vertx.sharedData().<String, String>getAsyncMap(MAP_NAME)
                    .map(map -> new Clustered(map, retentionMillis));
        }
        return Future.succeededFuture(new InMemory(100_000));
    }

    /**
     * Records in a bounded, insertion-ordered map; the oldest are forgotten first. Each is kept as its
     * JSON text, the same as in the cluster map: one string a record instead of a tree of objects,
     * which matters to the garbage collector when a busy dispatcher holds a hundred thousand of them.
     */
    final class InMemory implements JobLedger {
        private final Map<String, String> records;

        public InMemory(int maxRecords) {
            this.records = new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > maxRecords;
                }
            };
        }

        @Override
        public Future<JobRecord> get(String jobId) {
            String text;
            synchronized (this) {
                text = records.get(jobId);
            }
            return Future.succeededFuture(text == null ? null : JobRecord.fromJson(new io.vertx.core.json.JsonObject(text)));
        }

        @Override
        public Future<Void> put(JobRecord record) {
            String text = record.toJson().encode();
            synchronized (this) {
                String current = records.get(record.jobId());
                if (record.hasArtifact() || current == null || !hasArtifact(current)) {
                    records.put(record.jobId(), text);
                }
            }
            return Future.succeededFuture();
        }
    }

    /** Records as JSON text in the cluster-wide map, each kept for the retention time. */
    final class Clustered implements JobLedger {
        private final AsyncMap<String, String> map;
        private final long retentionMillis;

        Clustered(AsyncMap<String, String> map, long retentionMillis) {
            this.map = map;
            this.retentionMillis = retentionMillis;
        }

        @Override
        public Future<JobRecord> get(String jobId) {
            return map.get(jobId).map(text -> text == null ? null : JobRecord.fromJson(new io.vertx.core.json.JsonObject(text)));
        }

        /**
         * Writes the record; a record without a result never replaces one with a result, which a worker on
         * another node may have written while this node's news of the job was still on its way. The check
         * and the write are one compare-and-set on the map, retried when another node wrote in between.
         */
        @Override
        public Future<Void> put(JobRecord record) {
            String text = record.toJson().encode();
            if (record.hasArtifact()) {
                return map.put(record.jobId(), text, retentionMillis);
            }
            return putWithoutResult(record.jobId(), text, 8);
        }

        private Future<Void> putWithoutResult(String jobId, String text, int triesLeft) {
            return map.putIfAbsent(jobId, text, retentionMillis).compose(previous -> {
                if (previous == null || hasArtifact(previous)) {
                    return Future.succeededFuture();
                }
                return map.replaceIfPresent(jobId, previous, text, retentionMillis).compose(replaced -> replaced || triesLeft <= 1
                        ? Future.<Void>succeededFuture() : putWithoutResult(jobId, text, triesLeft - 1));
            });
        }
    }
}
