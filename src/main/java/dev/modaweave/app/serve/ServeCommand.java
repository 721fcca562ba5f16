package dev.modaweave.app.serve;

import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.app.runtime.AgentRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code modaweave serve}: the HTTP API (turns as Server-Sent Events, artifacts, tools, health,
 * metrics), the SockJS event-bus bridge and the web playground on one port, until SIGTERM or Ctrl-C,
 * which stop taking turns, let running ones finish (bounded) and close. Flags win over the
 * configuration's {@code server:} and {@code cluster:} sections.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
                "Serve the HTTP API, the event-bus bridge and the web playground (open http://HOST:PORT/).",
                "With an LLM configured (llm: in modaweave.yaml) a message is a request to it. Without one, each message is",
                "taken as the assistant's answer: write the calls yourself, as <meta>{…}</meta> blocks or ModaVerse lines",
                "('Modality: [IMAGE] Prompt: …'). SIGTERM or Ctrl-C stop taking turns, wait for running ones, then exit.",
                "Flags override the configuration's server: and cluster: sections."})
public final class ServeCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--port", paramLabel = "N", description = "TCP port; 0 picks a free one (default: server.port, 8080).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Interface to listen on (default: server.host, 127.0.0.1).")
    String host;

    @Option(names = "--store", paramLabel = "DIR", description = "Artifact store (default: store.dir, ~/.modaweave/artifacts).")
    Path storeDir;

    @Option(names = "--token-env", paramLabel = "VAR", description = "Require 'Authorization: Bearer <token>' on the API, the token being the value of this environment variable (default: server.tokenEnv, none).")
    String tokenEnv;

    @Option(names = "--max-upload", paramLabel = "MIB", description = "Largest accepted upload in MiB (default: server.maxBodyBytes, 64 MiB).")
    Integer maxUploadMib;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30", description = "How long shutting down waits for running turns (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--insecure", description = "Allow listening on a non-loopback address without --token-env (anyone who can reach the port can spend the configured backends).")
    boolean insecure;

    @Option(names = "--cluster", description = "Join a Hazelcast cluster (TCP-IP member list, no multicast) instead of running alone.")
    boolean cluster;

    @Option(names = "--members", paramLabel = "HOST:PORT", split = ",", description = "Cluster members to contact (default: cluster.members, 127.0.0.1:5701).")
    List<String> members;

    @Option(names = "--cluster-name", paramLabel = "NAME", description = "Only members with this name join (default: cluster.name, modaweave).")
    String clusterName;

    @picocli.CommandLine.Mixin
    dev.modaweave.app.plugins.PluginOptions pluginOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Loaded loaded;
        AgentRuntime.Builder runtime;
        try {
            loaded = config.load();
            runtime = AgentRuntime.builder().config(loaded).plugins(pluginOptions.open(loaded));
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage(), e);
        }
        ServeOptions options = options(loaded.config(), System.getenv());
        ServeServer server;
        try {
            server = ServeServer.start(options, runtime);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "modaweave-serve-shutdown"));
        spec.commandLine().getOut().println("Modaweave is serving on http://" + options.host() + ":" + server.port() + "/ ("
                + server.runtime().registry().all().size() + " tools" + (options.token() == null ? "" : ", bearer token required")
                + (server.runtime().clustered() ? ", clustered" : "") + "); Ctrl-C stops it");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    ServeOptions options(ModaweaveConfig config, Map<String, String> env) {
        ModaweaveConfig.Server server = config.server();
        int p = port != null ? port : server.port();
        if (p < 0 || p > 65535) {
            throw new UsageException("--port " + p + " is out of range 0-65535");
        }
        long maxUpload = maxUploadMib != null ? (long) maxUploadMib << 20 : server.maxBodyBytes();
        if (maxUploadMib != null && (maxUploadMib < 1 || maxUploadMib > 4096)) {
            throw new UsageException("--max-upload " + maxUploadMib + " is out of range 1-4096 MiB");
        }
        if (drainSeconds < 0) {
            throw new UsageException("--drain-timeout must not be negative");
        }
        String variable = tokenEnv != null ? tokenEnv : server.tokenEnv();
        String token = null;
        if (variable != null) {
            token = env.get(variable);
            if (token == null || token.isBlank()) {
                throw new UsageException("the bearer token's environment variable " + variable + " is not set or empty; export it with the token");
            }
        }
        String bind = host != null ? host : server.host();
        if (token == null && !insecure && !isLoopback(bind)) {
            throw new UsageException("serve would listen on " + bind + ", reachable from other machines, without a bearer token:"
                    + " set one with --token-env VAR (or server.tokenEnv), or pass --insecure to serve without one");
        }
        if (!cluster && (members != null || clusterName != null)) {
            throw new UsageException("--members and --cluster-name need --cluster");
        }
        ClusterSettings settings = null;
        if (cluster) {
            ModaweaveConfig.Cluster c = config.cluster();
            ClusterSettings defaults = ClusterSettings.loopback();
            try {
                settings = new ClusterSettings(clusterName != null ? clusterName : c.name(), c.host(), c.port(),
                        members != null ? members : c.members(), defaults.heartbeat(), defaults.maxNoHeartbeat());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        Path store = storeDir != null ? storeDir : config.store().dir();
        return new ServeOptions(bind, p, store, token, maxUpload, Math.min(maxUpload, 256L << 10),
                Duration.ofSeconds(drainSeconds), settings, server.allowedHosts(), server.allowedOrigins(), server.limits());
    }

    /** Whether {@code host} names only loopback interfaces (a name that cannot be resolved counts as not loopback). */
    static boolean isLoopback(String host) {
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            return java.util.Arrays.stream(all).allMatch(java.net.InetAddress::isLoopbackAddress);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
