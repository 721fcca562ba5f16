package dev.modaweave.app.serve;

import dev.modaweave.app.runtime.AgentRuntime;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100 slow readers of a 32 MiB video: each reads its response head and 1 KiB, then stalls. Downloads
 * are sent from the file, so the server's heap stays flat (reading each artifact into memory, as
 * before, needed 100 x 32 MiB). Prints the heap after a GC and the process's resident memory before
 * and after, and checks that /health still answers while the readers stall.
 */
@Timeout(300)
class ServeDownloadMemoryTest {

    @Test
    void a_hundred_slow_readers_of_a_large_artifact_leave_the_heap_flat(@TempDir Path store) throws Exception {
        var d = dev.modaweave.app.config.ModaweaveConfig.Server.Limits.DEFAULTS;
        var limits = new dev.modaweave.app.config.ModaweaveConfig.Server.Limits(d.headerTimeout(), d.maxConnections(), 200, 0, 0,
                0, d.sessionsPerSocket(), d.bridgeDisconnect());
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits), AgentRuntime.builder())) {
            byte[] video = new byte[32 << 20];
            byte[] mp4 = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
            System.arraycopy(mp4, 0, video, 0, mp4.length);
            Artifact artifact = server.runtime().store().put(video, new ArtifactStore.NewArtifact("video/mp4", Map.of(), "test",
                    Json.object(), List.of()));
            video = null;
            long heapBefore = heapAfterGc();
            long rssBefore = rss();
            List<Socket> readers = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setReceiveBufferSize(4096);
                    s.setSoTimeout(60_000);
                    s.getOutputStream().write(("GET /v1/artifacts/" + artifact.id() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    readers.add(s);
                }
                for (Socket s : readers) {
                    InputStream in = s.getInputStream();
                    assertThat(new String(in.readNBytes(1024), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
                }
                assertThat(ServeGuardTest.exchange(server.port(), ServeGuardTest.get("/health", "127.0.0.1")).status()).isEqualTo(200);
                long heapAfter = heapAfterGc();
                long rssAfter = rss();
                System.out.printf("download memory, 100 slow readers of a 32 MiB artifact: heap %d -> %d MiB, resident %d -> %d MiB%n",
                        heapBefore >> 20, heapAfter >> 20, rssBefore >> 20, rssAfter >> 20);
                assertThat(heapAfter - heapBefore).as("heap growth under 100 slow readers").isLessThan(256L << 20);
            } finally {
                for (Socket s : readers) {
                    s.close();
                }
            }
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident memory from /proc (Linux), or 0 where it is not available. */
    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) << 10;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
