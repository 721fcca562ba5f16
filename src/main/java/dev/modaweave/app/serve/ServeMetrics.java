package dev.modaweave.app.serve;

import dev.modaweave.agent.AgentEvents;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's Prometheus metrics, recorded with Micrometer: dispatch latency (from a call's
 * {@code call_accepted} event to its artifact or failure), tool durations and running calls (measured
 * around {@code generate}), each tool's breaker state, availability, announced in-flight and queued calls,
 * turns and calls in flight, and HTTP requests. The names are listed in the README's Serve section.
 */
final class ServeMetrics {

    /** Histogram buckets sized for generations: from a cached preview to a long video. */
    private static final java.time.Duration[] BUCKETS = java.util.stream.LongStream.of(50, 100, 250, 500, 1_000, 2_500, 5_000,
            10_000, 30_000, 60_000, 120_000, 300_000).mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** turnId → (callId → nanoTime of call_accepted). */
    private final Map<String, Map<String, Long>> accepted = new ConcurrentHashMap<>();
    private final AtomicInteger turnsInFlight = new AtomicInteger();
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Set<String> toolGauges = ConcurrentHashMap.newKeySet();

    ServeMetrics() {
        Gauge.builder("modaweave.turns.in.flight", turnsInFlight, AtomicInteger::get)
                .description("Turns running now").register(registry);
        Gauge.builder("modaweave.calls.in.flight", callsInFlight, AtomicInteger::get)
                .description("Dispatched calls waiting for their artifact").register(registry);
    }

    /** The Prometheus text exposition of every metric. */
    String scrape() {
        return registry.scrape();
    }

    /**
     * Registers the gauges of every tool {@code tools} knows (breaker state, availability, announced
     * in-flight calls); tools announced later get theirs on the next call. {@code workers} are this
     * node's own, whose breakers are read directly.
     */
    void watchTools(ToolRegistry tools, List<ToolWorker> workers) {
        for (ToolDescriptor d : tools.all()) {
            String name = d.name();
            if (!toolGauges.add(name)) {
                continue;
            }
            ToolWorker local = workers.stream().filter(w -> w.descriptor().name().equals(name)).findFirst().orElse(null);
            Gauge.builder("modaweave.tool.breaker.state", () -> breakerLevel(local, tools, name))
                    .description("Circuit breaker of the tool: 0 closed, 1 half-open, 2 open")
                    .tag("tool", name).register(registry);
            Gauge.builder("modaweave.tool.available", () -> tools.isAvailable(name) ? 1 : 0)
                    .description("1 when calls to the tool can be served now").tag("tool", name).register(registry);
            Gauge.builder("modaweave.tool.in.flight", () -> tools.inFlight(name))
                    .description("Calls of the tool running or queued on its live workers, cluster-wide as announced")
                    .tag("tool", name).register(registry);
            Gauge.builder("modaweave.tool.queued", () -> tools.queued(name))
                    .description("Calls of the tool waiting for a free slot, cluster-wide as announced").tag("tool", name).register(registry);
            Gauge.builder("modaweave.tool.load", () -> tools.load(name))
                    .description("Calls running or queued per slot of the tool's live workers, as announced")
                    .tag("tool", name).register(registry);
        }
    }

    private static double breakerLevel(ToolWorker local, ToolRegistry tools, String name) {
        String state = local != null ? local.breakerState()
                : tools.availability(name) == ToolRegistry.Availability.BREAKER_OPEN ? "open" : "closed";
        return switch (state) {
            case "open" -> 2;
            case "half_open" -> 1;
            default -> 0;
        };
    }

    /** Wraps a tool so that each {@code generate} is timed and counted while it runs. */
    GeneratorTool timed(GeneratorTool tool) {
        String name = tool.descriptor().name();
        AtomicInteger now = running.computeIfAbsent(name, n -> {
            AtomicInteger counter = new AtomicInteger();
            Gauge.builder("modaweave.tool.running", counter, AtomicInteger::get)
                    .description("Calls of the tool running on this node now").tag("tool", n).register(registry);
            return counter;
        });
        Timer success = toolTimer(name, "success");
        Timer failure = toolTimer(name, "error");
        return new GeneratorTool() {
            @Override
            public ToolDescriptor descriptor() {
                return tool.descriptor();
            }

            @Override
            public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
                long start = System.nanoTime();
                now.incrementAndGet();
                boolean ok = false;
                try {
                    GenerationResult result = tool.generate(request, progress);
                    ok = true;
                    return result;
                } finally {
                    now.decrementAndGet();
                    (ok ? success : failure).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void close() {
                tool.close();
            }
        };
    }

    private Timer toolTimer(String tool, String outcome) {
        return Timer.builder("modaweave.tool.duration").description("Time spent in one attempt of a tool's generate")
                .tag("tool", tool).tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** Observes one agent event of any turn (HTTP or bus). */
    void onEvent(JsonObject event) {
        String turn = event.getString("turnId");
        String type = event.getString("type");
        if (turn == null || type == null) {
            return;
        }
        switch (type) {
            case AgentEvents.CALL_ACCEPTED -> {
                String callId = event.getString("callId");
                if (callId != null && accepted.computeIfAbsent(turn, t -> new ConcurrentHashMap<>())
                        .putIfAbsent(callId, System.nanoTime()) == null) {
                    callsInFlight.incrementAndGet();
                }
            }
            case AgentEvents.ARTIFACT -> finishCall(turn, event, "artifact");
            case AgentEvents.CALL_FAILED -> finishCall(turn, event, "failed");
            case AgentEvents.TURN_DONE, AgentEvents.TURN_FAILED -> {
                Map<String, Long> open = accepted.remove(turn);
                if (open != null) {
                    callsInFlight.addAndGet(-open.size());
                }
                Counter.builder("modaweave.turns").description("Turns ended, by outcome")
                        .tag("outcome", type.equals(AgentEvents.TURN_DONE) ? "done" : "failed").register(registry).increment();
            }
            default -> {
            }
        }
    }

    private void finishCall(String turn, JsonObject event, String outcome) {
        Map<String, Long> calls = accepted.get(turn);
        Long start = calls == null ? null : calls.remove(event.getString("callId", ""));
        if (start == null) {
            return;
        }
        callsInFlight.decrementAndGet();
        String tool = event.getString("tool", event.getString("task", "unknown"));
        Timer.builder("modaweave.dispatch.latency").description("From a call's acceptance to its artifact or failure")
                .tag("outcome", outcome).tag("tool", tool == null ? "unknown" : tool).serviceLevelObjectives(BUCKETS)
                .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A turn started over HTTP or the bus. */
    void turnStarted() {
        turnsInFlight.incrementAndGet();
    }

    /** A turn started with {@link #turnStarted()} ended. */
    void turnEnded() {
        turnsInFlight.decrementAndGet();
    }

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final Set<String> REFUSALS = Set.of("host", "origin", "content_type", "unauthorized", "connections",
            "header_timeout", "rate_limited", "bridge", "quota");

    /** Counts one HTTP response of a request that passed the guards; unknown methods are counted as {@code other}. */
    void httpRequest(String method, String route, int status) {
        Counter.builder("modaweave.http.requests").description("HTTP requests answered")
                .tag("method", METHODS.contains(method) ? method : "other").tag("route", route)
                .tag("status", status >= 100 && status < 600 ? Integer.toString(status) : "other")
                .register(registry).increment();
    }

    /**
     * Counts one request or connection refused before it reached an endpoint, by a reason from a closed
     * set (host, origin, content_type, unauthorized, connections, header_timeout, rate_limited, bridge, quota).
     */
    void refused(String reason) {
        Counter.builder("modaweave.refusals").description("Requests and connections refused by the server's guards, by reason")
                .tag("reason", REFUSALS.contains(reason) ? reason : "other").register(registry).increment();
    }
}
