package dev.modaweave.app.serve;

import dev.modaweave.agent.cluster.ClusterSettings;

import java.nio.file.Path;
import java.time.Duration;
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
 */
record ServeOptions(String host, int port, Path storeRoot, String token, long maxUploadBytes, long maxTurnBytes,
                    Duration drainTimeout, ClusterSettings cluster) {

    ServeOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storeRoot, "storeRoot");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
        if (maxUploadBytes < 1 || maxTurnBytes < 1) {
            throw new IllegalArgumentException("body limits must be positive; got " + maxUploadBytes + " and " + maxTurnBytes);
        }
    }

    /** Loopback on {@code port}, no token, 64 MiB uploads, 256 KiB turn bodies, 30 s drain, not clustered. */
    static ServeOptions local(int port, Path storeRoot) {
        return new ServeOptions("127.0.0.1", port, storeRoot, null, 64L << 20, 256L << 10, Duration.ofSeconds(30), null);
    }

    ServeOptions withToken(String newToken) {
        return new ServeOptions(host, port, storeRoot, newToken, maxUploadBytes, maxTurnBytes, drainTimeout, cluster);
    }

    ServeOptions withMaxUploadBytes(long bytes) {
        return new ServeOptions(host, port, storeRoot, token, bytes, maxTurnBytes, drainTimeout, cluster);
    }
}
