package dev.modaweave.tools;

import dev.modaweave.tools.internal.DescriptorJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live {@link ToolCatalog}: tools found by {@link ServiceLoader}, registered in code, or
 * announced by workers on other nodes over the event bus.
 *
 * <p>Every worker announces its tool on {@link EventBusAddresses#TOOL_ANNOUNCE} when it starts,
 * every lease period, whenever its circuit breaker changes state and when a registry asks on
 * {@link EventBusAddresses#TOOL_DISCOVER}; it withdraws the tool when it stops. A tool stays in the
 * catalog once known, with an {@link Availability}: a worker whose announcements stop (its node
 * died) or whose node left the cluster no longer counts, and a worker whose breaker is open does not
 * either. The dispatcher only routes to {@link Availability#AVAILABLE} tools.
 *
 * <p>Thread-safe.
 */
public final class ToolRegistry implements ToolCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ToolRegistry.class);

    /** Whether calls to a tool can be served right now. */
    public enum Availability {
        /** Registered here, or at least one live worker with a closed (or half-open) breaker. */
        AVAILABLE,
        /** Every live worker of the tool has its circuit breaker open: calls fail fast. */
        BREAKER_OPEN,
        /** Every live worker's reachability probe says the tool's backend (a server, an API) cannot be reached. */
        UNREACHABLE,
        /** The tool was announced, but every worker's node left or stopped announcing. */
        NODE_LEFT,
        /** No tool of that name is known. */
        UNKNOWN
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<Consumer<String>> nodeLeftListeners = new CopyOnWriteArrayList<>();
    private final LongSupplier nanoClock;
    private Vertx vertx;
    private MessageConsumer<JsonObject> announceConsumer;
    private long sweepTimer = -1;

    private static final class Entry {
        final ToolDescriptor descriptor;
        final GeneratorTool local;
        final Map<String, Provider> providers = new LinkedHashMap<>();

        Entry(ToolDescriptor descriptor, GeneratorTool local) {
            this.descriptor = descriptor;
            this.local = local;
        }
    }

    private static final class Provider {
        final String node;
        long expiresAtNanos;
        boolean alive = true;
        String breaker = "closed";
        String unreachable;
        int inFlight;
        int capacity;

        Provider(String node) {
            this.node = node;
        }
    }

    private ToolRegistry(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** An empty registry. */
    public static ToolRegistry create() {
        return new ToolRegistry(System::nanoTime);
    }

    /** An empty registry whose leases run on {@code nanoClock}; for tests that move time. */
    public static ToolRegistry create(LongSupplier nanoClock) {
        return new ToolRegistry(Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    /**
     * Instantiates every {@link GeneratorTool} provider on the class path.
     *
     * @throws IllegalStateException when two providers declare the same tool name, naming both classes
     */
    public static List<GeneratorTool> loadServices(ClassLoader loader) {
        Map<String, GeneratorTool> byName = new LinkedHashMap<>();
        for (GeneratorTool tool : ServiceLoader.load(GeneratorTool.class, loader)) {
            String name = tool.descriptor().name();
            GeneratorTool earlier = byName.putIfAbsent(name, tool);
            if (earlier != null) {
                throw new IllegalStateException("two tool providers declare the name '" + name + "': "
                        + earlier.getClass().getName() + " and " + tool.getClass().getName()
                        + "; remove one from the class path or rename it");
            }
        }
        return List.copyOf(byName.values());
    }

    /** Registers every provider on the class path; see {@link #loadServices(ClassLoader)}. */
    public ToolRegistry registerServices(ClassLoader loader) {
        loadServices(loader).forEach(this::register);
        return this;
    }

    /**
     * Registers a tool that runs in this process.
     *
     * @throws IllegalStateException if a tool of that name is already registered here
     */
    public synchronized ToolRegistry register(GeneratorTool tool) {
        ToolDescriptor d = Objects.requireNonNull(tool, "tool").descriptor();
        ArgumentsSchema.compile(d.name(), d.argumentsSchema());
        Entry existing = entries.get(d.name());
        if (existing != null && existing.local != null) {
            throw new IllegalStateException("tool '" + d.name() + "' is registered twice: "
                    + existing.local.getClass().getName() + " and " + tool.getClass().getName());
        }
        Entry entry = new Entry(d, tool);
        if (existing != null) {
            entry.providers.putAll(existing.providers);
        }
        entries.put(d.name(), entry);
        return this;
    }

    /** The tool registered in this process under {@code name}, if any. */
    public synchronized Optional<GeneratorTool> localTool(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.ofNullable(e.local);
    }

    @Override
    public synchronized Optional<ToolDescriptor> byName(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.of(e.descriptor);
    }

    @Override
    public synchronized List<ToolDescriptor> byTask(String task) {
        return entries.values().stream().map(e -> e.descriptor).filter(d -> d.task().equals(task)).toList();
    }

    @Override
    public synchronized List<ToolDescriptor> all() {
        return entries.values().stream().map(e -> e.descriptor).toList();
    }

    @Override
    public boolean isAvailable(String name) {
        return availability(name) == Availability.AVAILABLE;
    }

    /** Whether calls to {@code name} can be served now. */
    public synchronized Availability availability(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            return Availability.UNKNOWN;
        }
        long now = nanoClock.getAsLong();
        boolean anyLive = false;
        boolean anyUnreachable = false;
        for (Provider p : e.providers.values()) {
            if (p.alive && now - p.expiresAtNanos <= 0) {
                anyLive = true;
                anyUnreachable |= p.unreachable != null;
                if (!"open".equals(p.breaker) && p.unreachable == null) {
                    return Availability.AVAILABLE;
                }
            }
        }
        if (anyUnreachable) {
            return Availability.UNREACHABLE;
        }
        if (anyLive) {
            return Availability.BREAKER_OPEN;
        }
        return e.local != null && e.providers.isEmpty() ? Availability.AVAILABLE : Availability.NODE_LEFT;
    }

    /**
     * How busy the tool's live workers are, from 0 (idle) upward: calls running or queued per slot,
     * as last announced. Tools without announced workers report 0.
     */
    public synchronized double load(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            return 0;
        }
        int inFlight = 0;
        int capacity = 0;
        for (Provider p : e.providers.values()) {
            if (p.alive) {
                inFlight += p.inFlight;
                capacity += p.capacity;
            }
        }
        return capacity == 0 ? 0 : (double) inFlight / capacity;
    }

    /** Calls of {@code name} running or queued on its live workers, as last announced; 0 for unknown tools. */
    public synchronized int inFlight(String name) {
        Entry e = entries.get(name);
        return e == null ? 0 : e.providers.values().stream().filter(p -> p.alive).mapToInt(p -> p.inFlight).sum();
    }

    /** Calls of {@code name} waiting for a free slot on its live workers, as last announced; 0 for unknown tools. */
    public synchronized int queued(String name) {
        Entry e = entries.get(name);
        return e == null ? 0 : e.providers.values().stream().filter(p -> p.alive).mapToInt(p -> Math.max(0, p.inFlight - p.capacity)).sum();
    }

    /** The nodes with a live worker of {@code name}. */
    public synchronized List<String> nodes(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            return List.of();
        }
        return e.providers.values().stream().filter(p -> p.alive).map(p -> p.node).distinct().toList();
    }

    /**
     * Calls {@code listener} with the node id whenever a node with workers leaves or goes silent.
     *
     * @return removes the listener again
     */
    public Runnable onNodeLeft(Consumer<String> listener) {
        nodeLeftListeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> nodeLeftListeners.remove(listener);
    }

    /** Marks every worker on {@code nodeId} gone, e.g. when the cluster manager reports the node left. */
    public void nodeLeft(String nodeId) {
        boolean changed = false;
        synchronized (this) {
            for (Entry e : entries.values()) {
                for (Provider p : e.providers.values()) {
                    if (p.node.equals(nodeId) && p.alive) {
                        p.alive = false;
                        changed = true;
                    }
                }
            }
        }
        if (changed) {
            LOG.info("node {} left; its tools are no longer served there", nodeId);
            nodeLeftListeners.forEach(l -> l.accept(nodeId));
        }
    }

    /**
     * Applies one message from {@link EventBusAddresses#TOOL_ANNOUNCE}; see the tools README for its
     * JSON. Malformed announcements are logged and ignored.
     */
    public void accept(JsonObject message) {
        try {
            String type = message.getString("type", "");
            String worker = Objects.requireNonNull(message.getString("worker"), "worker");
            String node = Objects.requireNonNull(message.getString("node"), "node");
            if (type.equals("withdraw")) {
                withdraw(message.getString("tool"), worker);
                return;
            }
            if (!type.equals("announce")) {
                throw new IllegalArgumentException("unknown type '" + type + "'");
            }
            ToolDescriptor d = DescriptorJson.read(Json.toObjectNode(message.getJsonObject("tool")));
            long leaseNanos = message.getLong("leaseMs", 3000L) * 1_000_000L;
            synchronized (this) {
                Entry e = entries.get(d.name());
                if (e == null) {
                    ArgumentsSchema.compile(d.name(), d.argumentsSchema());
                    e = new Entry(d, null);
                    entries.put(d.name(), e);
                }
                Provider p = e.providers.computeIfAbsent(worker, w -> new Provider(node));
                p.alive = true;
                p.expiresAtNanos = nanoClock.getAsLong() + leaseNanos;
                p.breaker = message.getString("breaker", "closed");
                p.unreachable = message.getBoolean("reachable", true) ? null
                        : message.getString("unreachable", "the backend cannot be reached");
                p.inFlight = message.getInteger("inFlight", 0);
                p.capacity = message.getInteger("capacity", d.capacity());
            }
        } catch (RuntimeException e) {
            LOG.warn("ignoring a malformed tool announcement: {}", e.getMessage());
        }
    }

    private synchronized void withdraw(String tool, String worker) {
        Entry e = entries.get(tool);
        if (e != null) {
            Provider p = e.providers.get(worker);
            if (p != null) {
                p.alive = false;
            }
        }
    }

    /**
     * Listens to announcements on {@code vertx}'s bus, asks every worker to announce itself, and
     * expires silent workers. Completes once the listener is registered (cluster-wide when clustered).
     */
    public Future<Void> attach(Vertx vertx) {
        synchronized (this) {
            if (this.vertx != null) {
                throw new IllegalStateException("this registry is already attached to a Vert.x instance");
            }
            this.vertx = vertx;
        }
        announceConsumer = vertx.eventBus().consumer(EventBusAddresses.TOOL_ANNOUNCE, m -> accept(m.body()));
        sweepTimer = vertx.setPeriodic(250, id -> sweep());
        return announceConsumer.completion()
                .onSuccess(v -> vertx.eventBus().publish(EventBusAddresses.TOOL_DISCOVER, new JsonObject().put("type", "discover")));
    }

    /** Stops listening to announcements. */
    public Future<Void> detach() {
        Vertx v;
        synchronized (this) {
            v = vertx;
            vertx = null;
        }
        if (v == null) {
            return Future.succeededFuture();
        }
        v.cancelTimer(sweepTimer);
        return announceConsumer.unregister();
    }

    private void sweep() {
        List<String> silentNodes;
        synchronized (this) {
            silentNodes = expireLeases();
        }
        for (String node : silentNodes) {
            nodeLeftListeners.forEach(l -> l.accept(node));
        }
    }

    /** Marks workers past their lease dead; returns the nodes that have no live worker left. */
    private List<String> expireLeases() {
        long now = nanoClock.getAsLong();
        List<String> expiredNodes = new ArrayList<>();
        for (Entry e : entries.values()) {
            for (Provider p : e.providers.values()) {
                if (p.alive && now - p.expiresAtNanos > 0) {
                    p.alive = false;
                    expiredNodes.add(p.node);
                }
            }
        }
        if (expiredNodes.isEmpty()) {
            return List.of();
        }
        List<String> gone = new ArrayList<>();
        for (String node : expiredNodes) {
            boolean stillLive = entries.values().stream().flatMap(en -> en.providers.values().stream())
                    .anyMatch(p -> p.alive && p.node.equals(node));
            if (!stillLive && !gone.contains(node)) {
                gone.add(node);
                LOG.info("workers on node {} stopped announcing; treating the node as gone", node);
            }
        }
        return gone;
    }
}
