package dev.modaweave.agent.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.modaweave.agent.internal.JobLedger;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts clustered Vert.x nodes on Hazelcast the way Modaweave runs them: TCP-IP join with an explicit
 * member list, multicast, auto-detection and phone-home off, short heartbeats, the event bus bound to
 * the same host.
 */
public final class Clustering {

    private Clustering() {
    }

    /** The common-pool parallelism Hazelcast's async callbacks need; see {@link #clusterManager}. */
    private static final String VERTX_NODE_ID = "__vertx.nodeId";
    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * A Hazelcast cluster manager for {@code settings}, not started.
     *
     * <p>On a machine with two cores the JDK's common pool has a parallelism of 1, and Hazelcast then
     * runs every asynchronous callback (each cluster-map operation's completion) on a new thread.
     * Unless the property is set already, this raises the common pool's parallelism to 4 before
     * Hazelcast reads it; it only takes effect if nothing in the JVM used the common pool before.
     */
    public static HazelcastClusterManager clusterManager(ClusterSettings settings) {
        prepareJvm();
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(settings.clusterName());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(Math.max(1, settings.heartbeat().toSeconds())));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(Math.max(2, settings.maxNoHeartbeat().toSeconds())));
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getJetConfig().setEnabled(false);
        // job records must survive a member's death, but a write need not wait for its backup
        config.addMapConfig(new MapConfig(JobLedger.MAP_NAME)
                .setBackupCount(0).setAsyncBackupCount(1));
        NetworkConfig network = config.getNetworkConfig();
        network.setPublicAddress(null);
        if (settings.port() > 0) {
            network.setPort(settings.port()).setPortAutoIncrement(false);
        } else {
            network.setPort(5701).setPortAutoIncrement(true).setPortCount(200);
        }
        network.getInterfaces().setEnabled(true).addInterface(settings.host());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return new HazelcastClusterManager(config);
    }

    /**
     * Raises the common pool's parallelism to at least 4 unless it is configured; call it first thing
     * in a process that may join a cluster later (the pool's size is fixed when something first uses it).
     */
    public static void prepareJvm() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
        }
    }

    /** Starts a clustered Vert.x node with {@code clusterManager}, its event bus on {@code settings.host()}. */
    public static Future<Vertx> start(ClusterSettings settings, HazelcastClusterManager clusterManager) {
        return start(settings, clusterManager, new VertxOptions());
    }

    /**
     * Starts a clustered Vert.x node with {@code options} (event-loop count and the like); its event bus
     * is bound to {@code settings.host()} whatever {@code options} say.
     */
    public static Future<Vertx> start(ClusterSettings settings, HazelcastClusterManager clusterManager, VertxOptions options) {
        VertxOptions copy = new VertxOptions(options);
        copy.getEventBusOptions().setHost(settings.host()).setPort(0);
        return Vertx.builder().with(copy).withClusterManager(clusterManager).buildClustered();
    }

    /**
     * Tells {@code registry} when a cluster member leaves, so that its tools are marked gone and its
     * jobs are sent elsewhere at once rather than when their leases end.
     */
    public static void reportDepartures(HazelcastClusterManager clusterManager, ToolRegistry registry) {
        clusterManager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                // Vert.x names a node by its own id, kept as a member attribute, not by the member's UUID
                String nodeId = event.getMember().getAttribute(VERTX_NODE_ID);
                registry.nodeLeft(nodeId != null ? nodeId : event.getMember().getUuid().toString());
            }
        });
    }
}
