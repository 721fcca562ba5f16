package dev.modaweave.agent.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a node joins a Modaweave cluster: Hazelcast with a fixed TCP-IP member list (no multicast,
 * no auto-detection, no phone-home) and heartbeats short enough that a dead member is noticed
 * within seconds.
 *
 * @param clusterName    only members with the same name join each other
 * @param host           the interface Hazelcast and the event bus bind to
 * @param port           Hazelcast's port; 0 picks a free one
 * @param members        {@code host:port} of members to contact when joining
 * @param heartbeat      interval of Hazelcast heartbeats
 * @param maxNoHeartbeat silence after which a member is declared dead
 */
public record ClusterSettings(String clusterName, String host, int port, List<String> members, Duration heartbeat,
                              Duration maxNoHeartbeat) {

    public ClusterSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        if (!clusterName.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("cluster name '" + clusterName + "' is invalid; use 1-64 letters, digits, '_', '-' or '.'");
        }
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
        members = List.copyOf(members);
        for (String m : members) {
            if (!m.matches("[A-Za-z0-9.\\-]+(:\\d{1,5}(-\\d{1,5})?)?")) {
                throw new IllegalArgumentException("member '" + m + "' is not host:port, e.g. 127.0.0.1:5701");
            }
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || maxNoHeartbeat.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("heartbeat must be positive and maxNoHeartbeat longer than it; got "
                    + heartbeat + " and " + maxNoHeartbeat);
        }
    }

    /**
     * Loopback defaults: cluster {@code modaweave}, 127.0.0.1:5701, member 127.0.0.1:5701-5705,
     * 1 s heartbeats, dead after 4 s.
     */
    public static ClusterSettings loopback() {
        return new ClusterSettings("modaweave", "127.0.0.1", 5701, List.of("127.0.0.1:5701-5705"),
                Duration.ofSeconds(1), Duration.ofSeconds(4));
    }

    public ClusterSettings withClusterName(String name) {
        return new ClusterSettings(name, host, port, members, heartbeat, maxNoHeartbeat);
    }

    public ClusterSettings withPort(int newPort) {
        return new ClusterSettings(clusterName, host, newPort, members, heartbeat, maxNoHeartbeat);
    }

    public ClusterSettings withMembers(List<String> newMembers) {
        return new ClusterSettings(clusterName, host, port, newMembers, heartbeat, maxNoHeartbeat);
    }
}
