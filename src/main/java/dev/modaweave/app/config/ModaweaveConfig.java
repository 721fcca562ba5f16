package dev.modaweave.app.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.modaweave.agent.AgentOptions;
import dev.modaweave.agent.TurnLimits;
import dev.modaweave.agent.llm.LlmConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The application's configuration: one YAML file ({@code modaweave.yaml}), every key optional with
 * a default that works offline. Sections: {@code llm}, {@code agent}, {@code store}, {@code server},
 * {@code cluster}, {@code tools}. The keys are documented in the README's "Configuration" section.
 *
 * @param llm     the LLM the agent runs over (default: the embedded planner)
 * @param agent   turn limits and rounds
 * @param store   where artifacts live and how long
 * @param server  the HTTP server of {@code serve}
 * @param cluster Hazelcast clustering
 * @param tools   generator tools that need configuration (HTTP backends, TorchScript models)
 */
public record ModaweaveConfig(LlmConfig llm, Agent agent, Store store, Server server, Cluster cluster, Tools tools) {

    public ModaweaveConfig {
        llm = llm == null ? LlmConfig.defaults() : llm;
        agent = agent == null ? Agent.DEFAULTS : agent;
        store = store == null ? Store.defaults() : store;
        server = server == null ? Server.DEFAULTS : server;
        cluster = cluster == null ? Cluster.DEFAULTS : cluster;
        tools = tools == null ? Tools.NONE : tools;
    }

    /** Everything at its default. */
    public static ModaweaveConfig defaults() {
        return new ModaweaveConfig(null, null, null, null, null, null);
    }

    /**
     * {@code agent:} — how turns run.
     *
     * @param maxRounds        LLM segments per turn (1-32, default 4)
     * @param repairRounds     repair rounds for invalid meta-responses (default 1)
     * @param memoryMessages   messages of earlier turns kept per session (default 20)
     * @param turnTimeout      a turn is cancelled after this (default 10m)
     * @param maxCallsPerTurn  meta-responses per turn (default 16)
     * @param maxArgumentBytes size of one call's arguments (default 16384)
     * @param orphanTimeout    a call no live worker can take fails with {@code no_worker} after this (default 30s)
     */
    public record Agent(int maxRounds, int repairRounds, int memoryMessages, Duration turnTimeout,
                        int maxCallsPerTurn, int maxArgumentBytes, Duration orphanTimeout) {
        static final Agent DEFAULTS = new Agent(4, 1, 20, Duration.ofMinutes(10), 16, 16 * 1024, Duration.ofSeconds(30));

        @JsonCreator
        static Agent of(@JsonProperty("maxRounds") Integer maxRounds, @JsonProperty("repairRounds") Integer repairRounds,
                        @JsonProperty("memoryMessages") Integer memoryMessages, @JsonProperty("turnTimeout") String turnTimeout,
                        @JsonProperty("maxCallsPerTurn") Integer maxCallsPerTurn, @JsonProperty("maxArgumentBytes") Integer maxArgumentBytes,
                        @JsonProperty("orphanTimeout") String orphanTimeout) {
            return new Agent(or(maxRounds, DEFAULTS.maxRounds), or(repairRounds, DEFAULTS.repairRounds),
                    or(memoryMessages, DEFAULTS.memoryMessages),
                    turnTimeout == null ? DEFAULTS.turnTimeout : Durations.parse("agent.turnTimeout", turnTimeout),
                    or(maxCallsPerTurn, DEFAULTS.maxCallsPerTurn), or(maxArgumentBytes, DEFAULTS.maxArgumentBytes),
                    orphanTimeout == null ? DEFAULTS.orphanTimeout : Durations.parse("agent.orphanTimeout", orphanTimeout));
        }

        /** The agent's options; {@code llm} decides native tool calls and multimodal input. */
        public AgentOptions toOptions(LlmConfig llm) {
            try {
                return new AgentOptions(maxRounds, repairRounds, memoryMessages, turnTimeout, llm.nativeToolCalls(),
                        llm.multimodal(), new TurnLimits(maxCallsPerTurn, maxArgumentBytes));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("agent: " + e.getMessage());
            }
        }
    }

    /**
     * {@code store:} — the artifact store.
     *
     * @param dir      directory (default {@code ~/.modaweave/artifacts}); a leading {@code ~/} is the home directory
     * @param maxBytes total size kept before the oldest artifacts are deleted (default 10 GiB)
     * @param maxAge   artifacts older than this are deleted (default 30d)
     */
    public record Store(Path dir, long maxBytes, Duration maxAge) {
        static Store defaults() {
            return new Store(Path.of(System.getProperty("user.home"), ".modaweave", "artifacts"), 10L << 30, Duration.ofDays(30));
        }

        @JsonCreator
        static Store of(@JsonProperty("dir") String dir, @JsonProperty("maxBytes") Long maxBytes, @JsonProperty("maxAge") String maxAge) {
            Store d = defaults();
            if (maxBytes != null && maxBytes < 1024 * 1024) {
                throw new ConfigException("store.maxBytes is " + maxBytes + "; use at least 1048576 (1 MiB)");
            }
            return new Store(dir == null ? d.dir : home(dir), maxBytes == null ? d.maxBytes : maxBytes,
                    maxAge == null ? d.maxAge : Durations.parse("store.maxAge", maxAge));
        }
    }

    /**
     * {@code server:} — {@code modaweave serve}.
     *
     * @param host         interface to bind (default 127.0.0.1)
     * @param port         port (default 8080)
     * @param tokenEnv     environment variable holding the bearer token; none means no authentication
     * @param maxBodyBytes largest request body, uploads included (default 64 MiB)
     * @param eventLoops   Vert.x event-loop threads of the node {@code serve} and {@code run} start; 0 (the
     *                     default) keeps Vert.x's own default of twice the cores
     * @param allowedHosts   {@code Host} names served besides loopback names, IP literals and the bound address
     * @param allowedOrigins browser origins allowed besides the server's own ({@code *} allows any)
     * @param limits         connection, rate, quota and bridge limits of {@code serve}
     */
    public record Server(String host, int port, String tokenEnv, long maxBodyBytes, int eventLoops,
                         List<String> allowedHosts, List<String> allowedOrigins, Limits limits) {
        static final Server DEFAULTS = new Server("127.0.0.1", 8080, null, 64L << 20, 0, List.of(), List.of(), Limits.DEFAULTS);

        @JsonCreator
        static Server of(@JsonProperty("host") String host, @JsonProperty("port") Integer port,
                         @JsonProperty("tokenEnv") String tokenEnv, @JsonProperty("maxBodyBytes") Long maxBodyBytes,
                         @JsonProperty("eventLoops") Integer eventLoops, @JsonProperty("allowedHosts") List<String> allowedHosts,
                         @JsonProperty("allowedOrigins") List<String> allowedOrigins, @JsonProperty("limits") Limits limits) {
            int p = or(port, DEFAULTS.port);
            if (p < 0 || p > 65535) {
                throw new ConfigException("server.port is " + p + "; use 0 (any free port) to 65535");
            }
            int loops = or(eventLoops, DEFAULTS.eventLoops);
            if (loops < 0 || loops > 256) {
                throw new ConfigException("server.eventLoops is " + loops + "; use 1 to 256, or 0 for Vert.x's default of twice the cores");
            }
            if (tokenEnv != null && !tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException("server.tokenEnv must name an environment variable (letters, digits, '_'), not hold the token itself");
            }
            return new Server(host == null ? DEFAULTS.host : host, p, tokenEnv, maxBodyBytes == null ? DEFAULTS.maxBodyBytes : maxBodyBytes,
                    loops, allowedHosts == null ? List.of() : List.copyOf(allowedHosts),
                    allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins), limits == null ? Limits.DEFAULTS : limits);
        }

        /**
         * {@code server.limits:} — what one server and one client may hold or spend; 0 switches a rate or quota off.
         *
         * @param headerTimeout           time a connection has to send a whole request head, and the most an idle
         *                                keep-alive connection stays open (default 20s)
         * @param maxConnections          open connections of the server (default 1024)
         * @param maxConnectionsPerClient open connections of one client address (default 64)
         * @param turnsPerMinute          turns one client address may start per minute (default 0, no limit)
         * @param callsPerMinute          calls of one client address's turns per minute (default 0, no limit)
         * @param storeQuotaBytes         bytes one client address may upload into the store (default 0, no quota)
         * @param sessionsPerSocket       sessions one event-bus bridge socket may claim (default 64)
         * @param bridgeDisconnect        {@code cancel} (default) or {@code keep} the turns of a bridge socket that closes
         */
        public record Limits(Duration headerTimeout, int maxConnections, int maxConnectionsPerClient, int turnsPerMinute,
                             int callsPerMinute, long storeQuotaBytes, int sessionsPerSocket, String bridgeDisconnect) {
            public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(20), 1024, 64, 0, 0, 0, 64, "cancel");

            @JsonCreator
            static Limits of(@JsonProperty("headerTimeout") String headerTimeout, @JsonProperty("maxConnections") Integer maxConnections,
                             @JsonProperty("maxConnectionsPerClient") Integer perClient, @JsonProperty("turnsPerMinute") Integer turns,
                             @JsonProperty("callsPerMinute") Integer calls, @JsonProperty("storeQuotaBytes") Long quota,
                             @JsonProperty("sessionsPerSocket") Integer sessions, @JsonProperty("bridgeDisconnect") String disconnect) {
                Limits d = DEFAULTS;
                Limits l = new Limits(headerTimeout == null ? d.headerTimeout : Durations.parse("server.limits.headerTimeout", headerTimeout),
                        or(maxConnections, d.maxConnections), or(perClient, d.maxConnectionsPerClient), or(turns, d.turnsPerMinute),
                        or(calls, d.callsPerMinute), quota == null ? d.storeQuotaBytes : quota, or(sessions, d.sessionsPerSocket),
                        disconnect == null ? d.bridgeDisconnect : disconnect);
                if (l.maxConnections < 1 || l.maxConnectionsPerClient < 1 || l.sessionsPerSocket < 1) {
                    throw new ConfigException("server.limits: maxConnections, maxConnectionsPerClient and sessionsPerSocket must be at least 1");
                }
                if (l.turnsPerMinute < 0 || l.callsPerMinute < 0 || l.storeQuotaBytes < 0) {
                    throw new ConfigException("server.limits: turnsPerMinute, callsPerMinute and storeQuotaBytes must be 0 (off) or positive");
                }
                if (!l.bridgeDisconnect.equals("cancel") && !l.bridgeDisconnect.equals("keep")) {
                    throw new ConfigException("server.limits.bridgeDisconnect is '" + l.bridgeDisconnect + "'; use cancel or keep");
                }
                return l;
            }
        }
    }

    /**
     * {@code cluster:} — Hazelcast clustering for {@code serve --cluster} and {@code worker --cluster}.
     *
     * @param name    only nodes with the same name join (default modaweave)
     * @param host    interface Hazelcast binds (default 127.0.0.1)
     * @param port    Hazelcast port of this node; 0 takes the first free one from 5701
     * @param members members to contact when joining (default [127.0.0.1:5701])
     */
    public record Cluster(String name, String host, int port, List<String> members) {
        static final Cluster DEFAULTS = new Cluster("modaweave", "127.0.0.1", 0, List.of("127.0.0.1:5701"));

        @JsonCreator
        static Cluster of(@JsonProperty("name") String name, @JsonProperty("host") String host,
                          @JsonProperty("port") Integer port, @JsonProperty("members") List<String> members) {
            if (members != null) {
                for (String m : members) {
                    if (m == null || !m.matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}")) {
                        throw new ConfigException("cluster.members has '" + m + "'; each member is host:port, e.g. 10.0.0.5:5701");
                    }
                }
            }
            return new Cluster(name == null ? DEFAULTS.name : name, host == null ? DEFAULTS.host : host,
                    or(port, DEFAULTS.port), members == null ? DEFAULTS.members : List.copyOf(members));
        }
    }

    /**
     * {@code tools:} — which tools a node has and how calls choose among them.
     *
     * @param previews when the labelled preview generators serve a task: {@code auto} (only when no other
     *                 tool of the task is available, or when named), {@code always}, {@code off}
     * @param plugins  directories of plugin jars (each jar with its own class loader)
     * @param backends one entry per configured tool: {@code backend:} names a {@link dev.modaweave.tools.GeneratorToolFactory}
     *                 kind, {@code name:} the tool, {@code priority:} its routing priority; every other key is the factory's
     * @param http     older form of {@code backends} for HTTP backends; each entry is built the same way
     * @param djl      older form of {@code backends} for TorchScript specs: spec file paths
     */
    public record Tools(Previews previews, List<String> plugins, List<Map<String, Object>> backends,
                        List<Map<String, Object>> http, List<String> djl) {
        static final Tools NONE = new Tools(Previews.AUTO, List.of(), List.of(), List.of(), List.of());

        @JsonCreator
        static Tools of(@JsonProperty("previews") String previews, @JsonProperty("plugins") List<String> plugins,
                        @JsonProperty("backends") List<Map<String, Object>> backends,
                        @JsonProperty("http") List<Map<String, Object>> http, @JsonProperty("djl") List<String> djl) {
            return new Tools(previews == null ? Previews.AUTO : Previews.parse(previews), copy(plugins), copy(backends),
                    copy(http), copy(djl));
        }

        public Tools {
            Objects.requireNonNull(previews, "previews");
            Objects.requireNonNull(plugins, "plugins");
            Objects.requireNonNull(backends, "backends");
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(djl, "djl");
        }

        private static <T> List<T> copy(List<T> list) {
            return list == null ? List.of() : List.copyOf(list);
        }
    }

    /** {@code tools.previews}: when the labelled preview generators serve a task. */
    public enum Previews {
        /** Only when no other tool of the task is available, or when a call names the preview. */
        AUTO,
        /** Like any other tool. */
        ALWAYS,
        /** Not registered at all. */
        OFF;

        static Previews parse(String value) {
            for (Previews p : values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new ConfigException("tools.previews is '" + value + "'; use auto, always or off");
        }
    }

    @JsonCreator
    static ModaweaveConfig of(@JsonProperty("llm") LlmConfig llm, @JsonProperty("agent") Agent agent,
                              @JsonProperty("store") Store store, @JsonProperty("server") Server server,
                              @JsonProperty("cluster") Cluster cluster, @JsonProperty("tools") Tools tools) {
        return new ModaweaveConfig(llm, agent, store, server, cluster, tools);
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    static Path home(String dir) {
        if (dir.equals("~") || dir.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(dir.length() > 2 ? dir.substring(2) : "");
        }
        return Path.of(dir);
    }
}
