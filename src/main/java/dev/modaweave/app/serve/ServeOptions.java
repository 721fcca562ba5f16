package dev.modaweave.app.serve;

import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.config.ModaweaveConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the HTTP server.
 *
 * @param host           interface to listen on
 * @param port           TCP port; 0 picks a free one
 * @param storeRoot      the artifact store's directory
 * @param token          the bearer token every API request must carry, or null for none
 * @param maxUploadBytes largest accepted upload
 * @param maxTurnBytes   largest accepted {@code POST /v1/turns} body
 * @param drainTimeout   how long shutting down waits for running turns
 * @param cluster        the cluster to join, or null to run alone
 * @param allowedHosts   {@code Host} names served besides loopback names, IP literals and {@code host}
 * @param allowedOrigins browser origins allowed besides the server's own; {@code *} allows any
 * @param limits         connection, rate, quota and bridge limits
 */
record ServeOptions(String host, int port, Path storeRoot, String token, long maxUploadBytes, long maxTurnBytes,
                    Duration drainTimeout, ClusterSettings cluster, List<String> allowedHosts, List<String> allowedOrigins,
                    ModaweaveConfig.Server.Limits limits) {

    ServeOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storeRoot, "storeRoot");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(limits, "limits");
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
        if (maxUploadBytes < 1 || maxTurnBytes < 1) {
            throw new IllegalArgumentException("body limits must be positive; got " + maxUploadBytes + " and " + maxTurnBytes);
        }
    }

    /** Loopback on {@code port}, no token, 64 MiB uploads, 256 KiB turn bodies, 30 s drain, not clustered, default limits. */
    static ServeOptions local(int port, Path storeRoot) {
        return new ServeOptions("127.0.0.1", port, storeRoot, null, 64L << 20, 256L << 10, Duration.ofSeconds(30), null,
                List.of(), List.of(), ModaweaveConfig.Server.Limits.DEFAULTS);
    }

    ServeOptions withToken(String newToken) {
        return new ServeOptions(host, port, storeRoot, newToken, maxUploadBytes, maxTurnBytes, drainTimeout, cluster, allowedHosts,
                allowedOrigins, limits);
    }

    ServeOptions withMaxUploadBytes(long bytes) {
        return new ServeOptions(host, port, storeRoot, token, bytes, maxTurnBytes, drainTimeout, cluster, allowedHosts, allowedOrigins, limits);
    }

    ServeOptions withDrainTimeout(Duration drain) {
        return new ServeOptions(host, port, storeRoot, token, maxUploadBytes, maxTurnBytes, drain, cluster, allowedHosts, allowedOrigins, limits);
    }

    ServeOptions withAllowed(List<String> hosts, List<String> origins) {
        return new ServeOptions(host, port, storeRoot, token, maxUploadBytes, maxTurnBytes, drainTimeout, cluster, hosts, origins, limits);
    }

    ServeOptions withLimits(ModaweaveConfig.Server.Limits newLimits) {
        return new ServeOptions(host, port, storeRoot, token, maxUploadBytes, maxTurnBytes, drainTimeout, cluster, allowedHosts,
                allowedOrigins, newLimits);
    }
}
