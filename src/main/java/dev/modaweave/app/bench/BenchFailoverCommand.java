package dev.modaweave.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.cluster.BenchmarkTools;
import dev.modaweave.app.cluster.ChildWorker;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code modaweave bench failover}: three processes on loopback (this one dispatching, two workers of
 * a tool taking 200–500 ms), jobs submitted at a steady rate, one worker killed with SIGKILL mid-run.
 * Counts completed, lost and duplicated jobs (duplicates are artifacts generated for a job that
 * already had one) and the time from the kill until the last job that was running on the killed
 * worker completed elsewhere. Then measures how fast an open circuit breaker answers.
 */
@Command(name = "failover",
        mixinStandardHelpOptions = true,
        description = {
                "Kill one of two worker processes with SIGKILL while jobs run; count completed, lost and duplicate jobs.",
                "Prints {\"submitted\":…,\"completed\":…,\"lost\":…,\"duplicates\":…,\"recovery_ms\":…}, then",
                "{\"breaker\":\"open\",\"calls\":…,\"worker_p50_ms\":…,\"worker_p99_ms\":…,\"worker_max_ms\":…,\"dispatch_p50_ms\":…,…}",
                "for calls answered by an open circuit breaker (at the worker, and through the dispatcher)."})
public final class BenchFailoverCommand implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "200", description = "Jobs to submit (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--rate", defaultValue = "40", description = "Jobs submitted per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--kill-after", defaultValue = "50", description = "Completed jobs before the kill (default: ${DEFAULT-VALUE}).")
    int killAfter;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1 || jobs > 100_000 || rate < 1 || killAfter < 0 || killAfter >= jobs) {
            throw new UsageException("--jobs must be 1-100000, --rate positive and --kill-after between 0 and jobs-1");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.write(failover()));
        out.flush();
        out.println(Json.write(openBreaker(200)));
        out.flush();
        return 0;
    }

    private ObjectNode failover() throws Exception {
        Path storeDir = Files.createTempDirectory("modaweave-bench-failover-");
        try {
            return failover(storeDir);
        } finally {
            DriverNode.deleteRecursively(storeDir);
        }
    }

    private ObjectNode failover(Path storeDir) throws Exception {
        int p1 = DriverNode.freePort();
        int p2 = DriverNode.freePort();
        int p3 = DriverNode.freePort();
        ClusterSettings settings = DriverNode.loopback(p1, List.of(p1, p2, p3));
        Dispatcher.Options options = Dispatcher.Options.builder().attemptTimeout(Duration.ofSeconds(60)).build();
        try (DriverNode node = DriverNode.clustered(settings, options, new VertxOptions());
             ChildWorker first = startWorker(settings, p2, storeDir);
             ChildWorker second = startWorker(settings, p3, storeDir)) {
            DriverNode.await(() -> node.registry.nodes(BenchmarkTools.SLEEP).size() == 2, Duration.ofSeconds(60),
                    "both workers' announcements");
            Map<Integer, String> lastNode = new ConcurrentHashMap<>();
            Map<Integer, Long> completedAt = new ConcurrentHashMap<>();
            Map<Integer, AtomicInteger> completions = new ConcurrentHashMap<>();
            Set<Integer> failed = ConcurrentHashMap.newKeySet();
            String prefix = "fo-" + UUID.randomUUID().toString().substring(0, 8) + "-";
            String events = "modaweave.bench.failover." + UUID.randomUUID();
            MessageConsumer<JsonObject> consumer = node.vertx.eventBus().consumer(events, m -> {
                JsonObject e = m.body();
                int i = Integer.parseInt(e.getString("turnId").substring(prefix.length()));
                switch (e.getString("type")) {
                    case "assigned", "progress" -> {
                        if (e.getString("node") != null) {
                            lastNode.put(i, e.getString("node"));
                        }
                    }
                    case "completed" -> {
                        completedAt.putIfAbsent(i, System.nanoTime());
                        completions.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
                    }
                    case "failed", "cancelled" -> failed.add(i);
                    default -> {
                    }
                }
            });
            consumer.completion().await(30, TimeUnit.SECONDS);

            long killNanos = 0;
            Set<Integer> onVictim = new HashSet<>();
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < jobs; i++) {
                long due = start + i * interval;
                while (System.nanoTime() < due) {
                    Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000), 0);
                    if (killNanos == 0 && completedAt.size() >= killAfter) {
                        killNanos = kill(first, lastNode, completedAt, onVictim);
                    }
                }
                JsonObject request = new JsonObject().put("requestId", prefix + i).put("turnId", prefix + i).put("events", events)
                        .put("calls", new JsonArray().add(new JsonObject().put("id", "job").put("tool", BenchmarkTools.SLEEP)
                                .put("args", new JsonObject().put("prompt", "job " + i))));
                node.vertx.eventBus().request(EventBusAddresses.DISPATCH, request, new DeliveryOptions().setSendTimeout(60_000));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (completedAt.size() + failed.size() < jobs && System.nanoTime() < deadline) {
                if (killNanos == 0 && completedAt.size() >= killAfter) {
                    killNanos = kill(first, lastNode, completedAt, onVictim);
                }
                Thread.sleep(10);
            }
            long recoveryMs = -1;
            if (killNanos != 0) {
                long last = killNanos;
                boolean all = true;
                for (int i : onVictim) {
                    Long at = completedAt.get(i);
                    if (at == null) {
                        all = false;
                    } else {
                        last = Math.max(last, at);
                    }
                }
                recoveryMs = all ? TimeUnit.NANOSECONDS.toMillis(last - killNanos) : -1;
            }
            int duplicates = 0;
            for (AtomicInteger c : completions.values()) {
                duplicates += c.get() - 1;
            }
            Map<String, Integer> artifactsPerJob = new HashMap<>();
            for (Artifact a : FileSystemArtifactStore.open(storeDir).list()) {
                Object jobId = a.attributes().get(ArtifactStore.JOB_ATTRIBUTE);
                if (jobId instanceof String id && id.startsWith(prefix)) {
                    artifactsPerJob.merge(id, 1, Integer::sum);
                }
            }
            for (int count : artifactsPerJob.values()) {
                duplicates += count - 1;
            }
            ObjectNode line = Json.object();
            line.put("submitted", jobs);
            line.put("completed", completedAt.size());
            line.put("lost", jobs - completedAt.size());
            line.put("duplicates", duplicates);
            line.put("recovery_ms", recoveryMs);
            return line;
        }
    }

    private static long kill(ChildWorker victim, Map<Integer, String> lastNode, Map<Integer, Long> completedAt, Set<Integer> onVictim) {
        lastNode.forEach((job, node) -> {
            if (node.equals(victim.nodeId()) && !completedAt.containsKey(job)) {
                onVictim.add(job);
            }
        });
        long now = System.nanoTime();
        victim.kill();
        return now;
    }

    private static ChildWorker startWorker(ClusterSettings settings, int port, Path store) throws Exception {
        return ChildWorker.start(List.of("--tools", BenchmarkTools.SLEEP, "--cluster", "--cluster-name", settings.clusterName(),
                "--port", Integer.toString(port), "--members", String.join(",", settings.members()),
                "--store", store.toString()), Duration.ofSeconds(120));
    }

    /** Trips the breaker of a failing tool, then times calls at the worker and through the dispatcher. */
    private static ObjectNode openBreaker(int calls) throws Exception {
        Path storeDir = Files.createTempDirectory("modaweave-bench-breaker-");
        try {
            return openBreaker(calls, storeDir);
        } finally {
            DriverNode.deleteRecursively(storeDir);
        }
    }

    private static ObjectNode openBreaker(int calls, Path storeDir) throws Exception {
        try (DriverNode node = DriverNode.embedded(Dispatcher.Options.builder().build(), new VertxOptions())) {
            node.vertx.deployVerticle(ToolWorker.of(BenchmarkTools.create(BenchmarkTools.FAIL).orElseThrow(),
                    FileSystemArtifactStore.open(storeDir), ToolWorker.Options.builder().maxAttempts(1).minimumCalls(5)
                            .slidingWindowSize(10).openDuration(Duration.ofMinutes(10)).build())).await(30, TimeUnit.SECONDS);
            DriverNode.await(() -> node.registry.isAvailable(BenchmarkTools.FAIL), Duration.ofSeconds(30), "the failing worker");
            for (int i = 0; i < 10; i++) {
                toolCall(node, "trip-" + i);
            }
            DriverNode.await(() -> node.registry.availability(BenchmarkTools.FAIL) == ToolRegistry.Availability.BREAKER_OPEN,
                    Duration.ofSeconds(30), "the breaker to open");
            long[] atWorker = new long[calls];
            long[] viaDispatcher = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                JsonObject reply = toolCall(node, "open-" + i);
                atWorker[i] = System.nanoTime() - t0;
                if (!"unavailable".equals(reply.getJsonObject("error", new JsonObject()).getString("code"))) {
                    throw new IllegalStateException("expected the open breaker to refuse the call, got " + reply.encode());
                }
                t0 = System.nanoTime();
                node.vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, new JsonObject()
                        .put("requestId", "b" + i).put("turnId", "breaker-" + i + "-" + t0).put("await", true)
                        .put("calls", new JsonArray().add(new JsonObject().put("id", "c").put("tool", BenchmarkTools.FAIL)
                                .put("args", new JsonObject().put("prompt", "x"))))).await(30, TimeUnit.SECONDS);
                viaDispatcher[i] = System.nanoTime() - t0;
            }
            ObjectNode line = Json.object();
            line.put("breaker", "open");
            line.put("calls", calls);
            line.put("worker_p50_ms", BenchDispatchCommand.round(BenchDispatchCommand.percentile(atWorker, 50)));
            line.put("worker_p99_ms", BenchDispatchCommand.round(BenchDispatchCommand.percentile(atWorker, 99)));
            line.put("worker_max_ms", BenchDispatchCommand.round(BenchDispatchCommand.percentile(atWorker, 100)));
            line.put("dispatch_p50_ms", BenchDispatchCommand.round(BenchDispatchCommand.percentile(viaDispatcher, 50)));
            line.put("dispatch_p99_ms", BenchDispatchCommand.round(BenchDispatchCommand.percentile(viaDispatcher, 99)));
            line.put("dispatch_max_ms", BenchDispatchCommand.round(BenchDispatchCommand.percentile(viaDispatcher, 100)));
            return line;
        }
    }

    private static JsonObject toolCall(DriverNode node, String jobId) throws Exception {
        return node.vertx.eventBus().<JsonObject>request(EventBusAddresses.tool(BenchmarkTools.FAIL),
                new JsonObject().put("jobId", jobId).put("args", new JsonObject().put("prompt", "x")))
                .await(30, TimeUnit.SECONDS).body();
    }
}
