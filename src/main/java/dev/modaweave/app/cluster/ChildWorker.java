package dev.modaweave.app.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code modaweave worker} in a child JVM with this process's class path, for benchmarks that need
 * several processes. {@link #kill()} sends SIGKILL.
 */
public final class ChildWorker implements AutoCloseable {

    private final Process process;
    private final String nodeId;
    private final Path log;

    private ChildWorker(Process process, String nodeId, Path log) {
        this.process = process;
        this.nodeId = nodeId;
        this.log = log;
    }

    /**
     * The heap and collector options of this JVM that a worker started from it runs with too (so that
     * {@code MODAWEAVE_JAVA_OPTS} reaches it), leaving out those that name files, such as a flight
     * recording; a 1 GB heap when this JVM sets none.
     */
    static List<String> heapAndGcOptions(List<String> inputArguments) {
        List<String> options = new ArrayList<>();
        for (String a : inputArguments) {
            boolean heap = a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-Xmn");
            boolean vm = a.startsWith("-XX:") && !a.contains("FlightRecord") && !a.contains("Path") && !a.contains("File");
            if (heap || vm) {
                options.add(a);
            }
        }
        if (options.stream().noneMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize"))) {
            options.add(0, "-Xmx1g");
        }
        return options;
    }

    /**
     * Starts {@code modaweave worker <arguments>} and waits for its ready line.
     *
     * @throws IllegalStateException when it exits or is not ready in time; the message names its log
     */
    public static ChildWorker start(List<String> arguments, Duration readyTimeout) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(heapAndGcOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.log.com.hazelcast=warn",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-cp", System.getProperty("java.class.path"), "dev.modaweave.app.Main", "worker"));
        command.addAll(arguments);
        Path log = Files.createTempFile("modaweave-worker-", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    int at = line.indexOf("node=");
                    if (line.startsWith("worker ready:") && at >= 0) {
                        ready.complete(line.substring(at + 5).split(" ")[0]);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("the worker process exited"));
        }, "child-worker-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildWorker(process, ready.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS), log);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the worker process did not become ready within " + readyTimeout.toSeconds()
                    + " s; see its log " + log, e);
        }
    }

    /** The worker's cluster node id. */
    public String nodeId() {
        return nodeId;
    }

    /** Kills the process with SIGKILL: no shutdown hook runs, the cluster learns by silence. */
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
