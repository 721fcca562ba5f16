package dev.modaweave.agent.internal;

import dev.modaweave.tools.JobRecord;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobLedgerTest {

    private static final String ARTIFACT = "art_abcdefghijklmnopqrstuvwxyz";

    private static JobRecord running(String jobId, int attempts) {
        return new JobRecord(jobId, "running", "paint", "node-a", attempts, 1_000L, null, null);
    }

    @Test
    void aLateRunningRecordNeverReplacesAResult() {
        JobLedger ledger = new JobLedger.InMemory(10);
        ledger.put(running("job-1", 1));
        ledger.put(JobRecord.completed("job-1", "paint", "node-a", 1, ARTIFACT, new JsonObject().put("id", ARTIFACT)));
        ledger.put(running("job-1", 2));

        JobRecord found = ledger.get("job-1").result();
        assertThat(found.state()).isEqualTo("completed");
        assertThat(found.hasArtifact()).isTrue();
        assertThat(found.attempts()).isEqualTo(1);
    }

    @Test
    void recordsWithoutAResultReplaceEachOther() {
        JobLedger ledger = new JobLedger.InMemory(10);
        ledger.put(running("job-2", 1));
        ledger.put(new JobRecord("job-2", "failed", "paint", "node-a", 1, 0L, null, null));
        ledger.put(running("job-2", 2));

        assertThat(ledger.get("job-2").result().attempts()).isEqualTo(2);
    }

    @Test
    void theOldestRecordsAreForgottenPastTheBound() {
        JobLedger ledger = new JobLedger.InMemory(2);
        ledger.put(running("a", 1));
        ledger.put(running("b", 1));
        ledger.put(running("c", 1));

        assertThat(ledger.get("a").result()).isNull();
        assertThat(ledger.get("c").result()).isNotNull();
    }
}
