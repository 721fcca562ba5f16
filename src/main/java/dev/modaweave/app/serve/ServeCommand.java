package dev.modaweave.app.serve;

import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.runtime.AgentRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code modaweave serve}: the HTTP API (turns as Server-Sent Events, artifacts, tools, health,
 * metrics), the SockJS event-bus bridge and the web playground on one port, until SIGTERM or Ctrl-C,
 * which stop taking turns, let running ones finish (bounded) and close.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
                "Serve the HTTP API, the event-bus bridge and the web playground (open http://HOST:PORT/).",
                "No LLM is configured in this build, so each message is taken as the assistant's answer: write the calls",
                "yourself, as <meta>{…}</meta> blocks or ModaVerse lines ('Modality: [IMAGE] Prompt: …').",
                "SIGTERM or Ctrl-C stop taking turns, wait for running ones (see --drain-timeout), then exit."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--store", paramLabel = "DIR", description = "Artifact store (default: ~/.modaweave/artifacts).")
    Path storeDir;

    @Option(names = "--token-env", paramLabel = "VAR", description = "Require 'Authorization: Bearer <token>' on the API, the token being the value of this environment variable.")
    String tokenEnv;

    @Option(names = "--max-upload", paramLabel = "MIB", defaultValue = "64", description = "Largest accepted upload in MiB (default: ${DEFAULT-VALUE}).")
    int maxUploadMib;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30", description = "How long shutting down waits for running turns (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--cluster", description = "Join a Hazelcast cluster (TCP-IP member list, no multicast) instead of running alone.")
    boolean cluster;

    @Option(names = "--members", paramLabel = "HOST:PORT", split = ",", description = "Cluster members to contact (default: 127.0.0.1:5701-5705).")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "modaweave", description = "Only members with this name join (default: ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--cluster-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Interface Hazelcast and the event bus bind to (default: ${DEFAULT-VALUE}).")
    String clusterHost;

    @Option(names = "--cluster-port", paramLabel = "N", defaultValue = "0", description = "Hazelcast's port; 0 picks a free one from 5701 (default: ${DEFAULT-VALUE}).")
    int clusterPort;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServeOptions options = options();
        ServeServer server;
        try {
            server = ServeServer.start(options, null);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "modaweave-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println("Modaweave is serving on http://" + options.host() + ":" + server.port() + "/ ("
                + server.runtime().registry().all().size() + " tools" + (options.token() == null ? "" : ", bearer token required")
                + (server.runtime().clustered() ? ", clustered" : "") + "); Ctrl-C stops it");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    ServeOptions options() {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port " + port + " is out of range 0-65535");
        }
        if (maxUploadMib < 1 || maxUploadMib > 4096) {
            throw new UsageException("--max-upload " + maxUploadMib + " is out of range 1-4096 MiB");
        }
        if (drainSeconds < 0) {
            throw new UsageException("--drain-timeout must not be negative");
        }
        String token = null;
        if (tokenEnv != null) {
            token = System.getenv(tokenEnv);
            if (token == null || token.isBlank()) {
                throw new UsageException("--token-env " + tokenEnv + ": that environment variable is not set or empty; export it with the token");
            }
        }
        if (!cluster && (!members.isEmpty())) {
            throw new UsageException("--members needs --cluster");
        }
        ClusterSettings settings = null;
        if (cluster) {
            try {
                settings = ClusterSettings.loopback().withClusterName(clusterName).withPort(clusterPort);
                settings = new ClusterSettings(settings.clusterName(), clusterHost, settings.port(),
                        members.isEmpty() ? settings.members() : members, settings.heartbeat(), settings.maxNoHeartbeat());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        Path store = storeDir != null ? storeDir : AgentRuntime.defaultStoreRoot();
        return new ServeOptions(host, port, store, token, (long) maxUploadMib << 20, 256L << 10, Duration.ofSeconds(drainSeconds), settings);
    }
}
