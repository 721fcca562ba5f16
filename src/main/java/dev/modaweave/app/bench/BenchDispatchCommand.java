package dev.modaweave.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.cluster.BenchmarkTools;
import dev.modaweave.app.cluster.ChildWorker;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code modaweave bench dispatch}: a no-op tool driven open-loop through the dispatcher at fixed
 * call rates, embedded (one process) and clustered (the tool's worker in a second process).
 * Latency is measured from each call's scheduled send time to its outcome, so a stalled dispatcher
 * shows up in the figures instead of slowing the load down. Each run is followed, at the same rate,
 * by a baseline over the same hops (a plain handler that forwards each call to the worker's address),
 * and the row gives the dispatcher's p99 over the baseline's.
 */
@Command(name = "dispatch",
        mixinStandardHelpOptions = true,
        description = {
                "Drive a no-op tool through the dispatcher open-loop at fixed rates, embedded and clustered.",
                "Each rate also runs a baseline over the same hops: a plain request/reply handler that only forwards to the worker.",
                "Prints one JSON line per run: {\"mode\":\"embedded|clustered\",\"rate\":…,\"p50_ms\":…,\"p99_ms\":…,\"max_ms\":…,\"errors\":…,",
                "\"baseline_p99_ms\":…,\"p99_ratio\":…,\"baseline_errors\":…}."})
public final class BenchDispatchCommand implements Callable<Integer> {

    @Option(names = "--rates", split = ",", defaultValue = "500,1000,2000", description = "Calls per second (default: ${DEFAULT-VALUE}).")
    int[] rates;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of each run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds of unmeasured load before the runs of a mode, at the highest rate asked for up to 1000/s (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--event-loops", paramLabel = "N", defaultValue = "1", description = {
            "Vert.x event-loop threads of each node (default: ${DEFAULT-VALUE}). The dispatcher is one verticle on one",
            "loop either way; every further loop makes the hops between the caller, the dispatcher and the worker",
            "thread wake-ups, which on a 2-core machine lengthen the tail (Vert.x's own default is twice the cores)."})
    int eventLoops;

    @Option(names = "--store", paramLabel = "DIR", description = {
            "Where the no-op tool's artifacts go. Default: a fresh directory in memory-backed /dev/shm when it exists,",
            "else in the temporary directory; a store on disk adds the file system's cost of creating two files per call."})
    Path storeParent;

    @Option(names = "--modes", split = ",", defaultValue = "embedded,clustered", description = "embedded and/or clustered (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 600 || warmupSeconds < 0) {
            throw new UsageException("--seconds must be 1-600 and --warmup at least 0");
        }
        if (eventLoops < 1 || eventLoops > 256) {
            throw new UsageException("--event-loops must be 1-256, got " + eventLoops);
        }
        VertxOptions vertxOptions = new VertxOptions().setEventLoopPoolSize(eventLoops);
        for (int rate : rates) {
            if (rate < 1 || rate > 100_000) {
                throw new UsageException("rate " + rate + " is out of range 1-100000 calls/s");
            }
        }
        for (String mode : modes) {
            if (!mode.equals("embedded") && !mode.equals("clustered")) {
                throw new UsageException("unknown mode '" + mode + "'; use embedded or clustered");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Path store = scratchStore();
        spec.commandLine().getErr().println("bench dispatch: " + eventLoops + " event loop(s) per node; the no-op tool's artifacts go to "
                + store);
        Dispatcher.Options options = Dispatcher.Options.builder().attemptTimeout(Duration.ofSeconds(30)).build();
        try {
            for (String mode : modes) {
                if (mode.equals("embedded")) {
                    try (DriverNode node = DriverNode.embedded(options, vertxOptions)) {
                        node.vertx.deployVerticle(ToolWorker.of(BenchmarkTools.create(BenchmarkTools.NOOP).orElseThrow(),
                                FileSystemArtifactStore.open(store), ToolWorker.Options.builder().queueLimit(100_000).build()))
                                .await(30, TimeUnit.SECONDS);
                        DriverNode.await(() -> node.registry.isAvailable(BenchmarkTools.NOOP), Duration.ofSeconds(30), "the no-op worker");
                        runAll(out, mode, node.vertx);
                    }
                } else {
                    int driverPort = DriverNode.freePort();
                    int workerPort = DriverNode.freePort();
                    ClusterSettings settings = DriverNode.loopback(driverPort, List.of(driverPort, workerPort));
                    try (DriverNode node = DriverNode.clustered(settings, options, vertxOptions);
                         ChildWorker worker = ChildWorker.start(List.of("--tools", BenchmarkTools.NOOP, "--cluster",
                                 "--cluster-name", settings.clusterName(), "--port", Integer.toString(workerPort),
                                 "--members", String.join(",", settings.members()), "--store", store.toString(),
                                 "--event-loops", Integer.toString(eventLoops)),
                                 Duration.ofSeconds(120))) {
                        DriverNode.await(() -> node.registry.nodes(BenchmarkTools.NOOP).contains(worker.nodeId()),
                                Duration.ofSeconds(60), "the no-op worker's announcement");
                        runAll(out, mode, node.vertx);
                    }
                }
            }
        } finally {
            DriverNode.deleteRecursively(store);
        }
        return 0;
    }

    private Path scratchStore() throws java.io.IOException {
        if (storeParent != null) {
            Files.createDirectories(storeParent);
            return Files.createTempDirectory(storeParent, "modaweave-bench-dispatch-");
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "modaweave-bench-dispatch-");
        }
        return Files.createTempDirectory("modaweave-bench-dispatch-");
    }

    /**
     * Runs every rate through the dispatcher and, in alternating one-second slices at the same rate, through the
     * baseline: a plain
     * request/reply handler on the driver node that only forwards each call to the same no-op worker's address
     * and relays its reply. The same hops without the dispatcher, so {@code p99_ratio} is the dispatcher's cost
     * whatever the machine's load.
     */
    private void runAll(PrintWriter out, String mode, Vertx vertx) throws InterruptedException {
        String forwarder;
        try {
            forwarder = vertx.deployVerticle(new BaselineForwarder()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the baseline forwarder did not start: " + e.getMessage(), e);
        }
        try {
            if (warmupSeconds > 0) {
                int warmupRate = Math.min(1000, Arrays.stream(rates).max().orElse(500));
                run(vertx, mode + "-warmup", warmupRate, warmupSeconds, false);
                run(vertx, mode + "-baseline-warmup", warmupRate, Math.max(1, warmupSeconds / 2), true);
            }
            for (int rate : rates) {
                // one-second slices, alternating, so both see the same machine: other processes' load moves both
                List<Result> dispatched = new ArrayList<>();
                List<Result> forwarded = new ArrayList<>();
                for (int second = 0; second < seconds; second++) {
                    dispatched.add(run(vertx, mode + "-" + rate + "-" + second, rate, 1, false));
                    forwarded.add(run(vertx, mode + "-baseline-" + rate + "-" + second, rate, 1, true));
                }
                Result r = Result.of(dispatched);
                Result baseline = Result.of(forwarded);
                double p99 = round(percentile(r.latencies, 99));
                double baselineP99 = round(percentile(baseline.latencies, 99));
                ObjectNode line = Json.object();
                line.put("mode", mode);
                line.put("rate", rate);
                line.put("p50_ms", round(percentile(r.latencies, 50)));
                line.put("p99_ms", p99);
                line.put("max_ms", round(percentile(r.latencies, 100)));
                line.put("errors", r.errors);
                line.put("baseline_p99_ms", baselineP99);
                line.put("p99_ratio", baselineP99 > 0 ? Math.round(p99 / baselineP99 * 100) / 100.0 : 0);
                line.put("baseline_errors", baseline.errors);
                out.println(Json.write(line));
                out.flush();
            }
        } finally {
            try {
                vertx.undeploy(forwarder).await(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the node is closed next anyway
            }
        }
    }

    /** The baseline's stand-in for the dispatcher: forwards each call to the no-op tool's address and relays the reply. */
    private static final class BaselineForwarder extends VerticleBase {
        static final String ADDRESS = "modaweave.bench.forward";
        private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(60_000);

        @Override
        public Future<?> start() {
            return vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> vertx.eventBus()
                    .<JsonObject>request(EventBusAddresses.tool(BenchmarkTools.NOOP), m.body(), delivery)
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            m.reply(ar.result().body());
                        } else {
                            m.fail(500, ar.cause().getMessage());
                        }
                    })).completion();
        }
    }

    private record Result(long[] latencies, int errors) {
        static Result of(List<Result> slices) {
            long[] all = slices.stream().flatMapToLong(r -> Arrays.stream(r.latencies)).toArray();
            return new Result(all, slices.stream().mapToInt(Result::errors).sum());
        }
    }

    /** Sends {@code rate × seconds} calls on schedule and waits for every outcome. */
    private static Result run(Vertx vertx, String runId, int rate, int seconds, boolean baseline) throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(total);
        long intervalNanos = 1_000_000_000L / rate;
        DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(60_000);
        String prefix = runId + "-" + System.nanoTime();
        long start = System.nanoTime() + 5_000_000;
        int[] sent = {0};
        vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            while (sent[0] < total && start + sent[0] * intervalNanos <= now) {
                int i = sent[0]++;
                long intended = start + i * intervalNanos;
                JsonObject request = baseline
                        ? new JsonObject().put("jobId", prefix + "-" + i + ":c").put("attempt", 1)
                                .put("args", new JsonObject().put("prompt", "x"))
                        : new JsonObject().put("requestId", prefix + "-" + i).put("turnId", prefix + "-" + i)
                                .put("await", true)
                                .put("calls", new JsonArray().add(new JsonObject().put("id", "c").put("tool", BenchmarkTools.NOOP)
                                        .put("args", new JsonObject().put("prompt", "x"))));
                String address = baseline ? BaselineForwarder.ADDRESS : EventBusAddresses.DISPATCH;
                vertx.eventBus().<JsonObject>request(address, request, delivery).onComplete(ar -> {
                    latencies[i] = System.nanoTime() - intended;
                    if (ar.failed() || !(baseline ? ar.result().body().getBoolean("ok", false) : completed(ar.result().body()))) {
                        errors.incrementAndGet();
                    }
                    finished.countDown();
                });
            }
            if (sent[0] >= total) {
                vertx.cancelTimer(timer);
            }
        }));
        if (!finished.await(seconds + 120L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("run " + runId + " did not finish: " + finished.getCount() + " calls unanswered");
        }
        return new Result(latencies, errors.get());
    }

    private static boolean completed(JsonObject reply) {
        JsonArray outcomes = reply.getJsonArray("outcomes");
        return outcomes != null && outcomes.size() == 1 && "completed".equals(outcomes.getJsonObject(0).getString("state"));
    }

    static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
