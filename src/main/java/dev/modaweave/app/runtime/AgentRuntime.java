package dev.modaweave.app.runtime;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.modaweave.agent.Agent;
import dev.modaweave.agent.AgentOptions;
import dev.modaweave.agent.AgentVerticle;
import dev.modaweave.agent.ArtifactReader;
import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.InputProjector;
import dev.modaweave.agent.RoutingCatalog;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.agent.llm.ChatModels;
import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfiguredTools;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.app.planner.EmbeddedPlanner;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.app.plugins.SourcedTool;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ReachabilityProbe;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An embedded Modaweave node as the commands start it: a Vert.x instance (clustered when asked), the
 * {@link ToolRegistry}, one {@link ToolWorker} per generator tool (those found by the
 * {@code ServiceLoader} plus the configured ones), the {@link Dispatcher}, and the {@link Agent} over a
 * chat model (the {@link EmbeddedPlanner} when the configuration names none; {@link DirectReplyModel}
 * when neither a configuration nor a model is given), optionally with its event-bus API
 * ({@link AgentVerticle}). Closing stops all of it.
 *
 * <pre>{@code
 * try (AgentRuntime runtime = AgentRuntime.builder().config(ConfigLoader.load(null, System.getenv())).start()) {
 *     runtime.agent().turn("s1", UserInput.text("<meta>…</meta>"), event -> …);
 * }
 * }</pre>
 */
public final class AgentRuntime implements AutoCloseable {

    private final Vertx vertx;
    private final Path storeRoot;
    private final ArtifactStore store;
    private final ToolRegistry registry;
    private final List<GeneratorTool> tools;
    private final List<ToolWorker> workers;
    private final List<String> workerDeployments;
    private final Agent agent;
    private final AgentVerticle busApi;
    private final boolean clustered;

    private AgentRuntime(Vertx vertx, Path storeRoot, ArtifactStore store, ToolRegistry registry, List<GeneratorTool> tools,
                         List<ToolWorker> workers, List<String> workerDeployments, Agent agent, AgentVerticle busApi,
                         boolean clustered) {
        this.vertx = vertx;
        this.storeRoot = storeRoot;
        this.store = store;
        this.registry = registry;
        this.tools = List.copyOf(tools);
        this.workers = List.copyOf(workers);
        this.workerDeployments = List.copyOf(workerDeployments);
        this.agent = agent;
        this.busApi = busApi;
        this.clustered = clustered;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default artifact store directory: {@code ~/.modaweave/artifacts}. */
    public static Path defaultStoreRoot() {
        return Path.of(System.getProperty("user.home"), ".modaweave", "artifacts");
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The artifact store's directory. */
    public Path storeRoot() {
        return storeRoot;
    }

    public ArtifactStore store() {
        return store;
    }

    public ToolRegistry registry() {
        return registry;
    }

    /** The workers of the tools this node serves itself (as deployed, in the order of the tools). */
    public List<ToolWorker> workers() {
        return workers;
    }

    public Agent agent() {
        return agent;
    }

    /** The agent's event-bus API ({@code modaweave.agent}), when this runtime serves it. */
    public java.util.Optional<AgentVerticle> busApi() {
        return java.util.Optional.ofNullable(busApi);
    }

    /** Whether this node is a member of a cluster. */
    public boolean clustered() {
        return clustered;
    }

    /** Stops the agent, the dispatcher, the workers and Vert.x (leaving the cluster), then closes the tools. */
    @Override
    public void close() {
        try {
            // workers first: their farewell announcements still find the registry listening
            for (String id : workerDeployments) {
                vertx.undeploy(id).await(30, TimeUnit.SECONDS);
            }
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the runtime did not stop within 30 s: " + e.getMessage(), e);
        } finally {
            tools.forEach(GeneratorTool::close);
        }
    }

    /** Settings of an {@link AgentRuntime}; {@link #start()} brings it up and waits until it is ready. */
    public static final class Builder {
        private Path storeRoot;
        private long storeMaxBytes = 10L << 30;
        private Duration storeMaxAge = Duration.ofDays(30);
        private StreamingChatModel model;
        private LlmConfig.Projector projector;
        private int videoFrames = LlmConfig.DEFAULT_VIDEO_FRAMES;
        private boolean audioInput;
        private AgentOptions agentOptions;
        private List<GeneratorTool> tools;
        private Plugins plugins = Plugins.none();
        private final List<GeneratorTool> extraTools = new ArrayList<>();
        private ConfigLoader.Loaded loaded;
        private UnaryOperator<GeneratorTool> toolDecorator = UnaryOperator.identity();
        private ClusterSettings cluster;
        private boolean busApi;
        private int eventLoops;
        private RoutingCatalog.Previews previews = RoutingCatalog.Previews.AUTO;
        private Duration orphanTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * Takes the store, the LLM, the agent's options and the configured tools from a configuration:
         * the {@link EmbeddedPlanner} when its LLM is the embedded one. Settings given after
         * this call win.
         *
         * @throws dev.modaweave.app.config.ConfigException when a configured tool or the LLM cannot be created
         */
        public Builder config(ConfigLoader.Loaded loaded) {
            ModaweaveConfig config = loaded.config();
            storeRoot = config.store().dir();
            storeMaxBytes = config.store().maxBytes();
            storeMaxAge = config.store().maxAge();
            eventLoops = config.server().eventLoops();
            previews = RoutingCatalog.Previews.valueOf(config.tools().previews().name());
            orphanTimeout = config.agent().orphanTimeout();
            agentOptions = config.agent().toOptions(config.llm());
            projector = config.llm().projector();
            videoFrames = config.llm().videoFrames();
            audioInput = config.llm().audioInput();
            model = config.llm().provider() == LlmConfig.Provider.EMBEDDED ? EmbeddedPlanner.shared()
                    : config.llm().projector() == LlmConfig.Projector.LEARNED ? LearnedProjectorModel.create(loaded, System::getenv)
                    : ChatModels.streaming(config.llm());
            this.loaded = loaded;
            buildConfiguredTools();
            return this;
        }

        /** The artifact store's directory (default {@link #defaultStoreRoot()}); a file-system store is opened there. */
        public Builder storeRoot(Path root) {
            this.storeRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /** The chat model; default {@link DirectReplyModel}. */
        public Builder model(StreamingChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The agent's options; default {@link AgentOptions#defaults()}. */
        public Builder agentOptions(AgentOptions options) {
            this.agentOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The tools this node serves besides the configured ones; default every {@link GeneratorTool} provider on the class path. */
        public Builder tools(List<GeneratorTool> tools) {
            this.tools = List.copyOf(tools);
            return this;
        }

        private void buildConfiguredTools() {
            extraTools.forEach(GeneratorTool::close);
            extraTools.clear();
            extraTools.addAll(ConfiguredTools.create(loaded, plugins.toolFactories(AgentRuntime.class.getClassLoader()), System::getenv));
        }

        /**
         * Plugin jars whose tools this node serves too, beside the providers on the class path (unless
         * {@link #tools(List)} names the tools); closing the runtime does not close the plugins.
         */
        public Builder plugins(Plugins plugins) {
            this.plugins = Objects.requireNonNull(plugins, "plugins");
            if (loaded != null) {
                // the configuration's tools may be of a backend kind a plugin's factory makes
                buildConfiguredTools();
            }
            return this;
        }

        /** Wraps every tool before its worker is deployed, e.g. to measure it. */
        public Builder toolDecorator(UnaryOperator<GeneratorTool> decorator) {
            this.toolDecorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /** Joins a Hazelcast cluster instead of running alone. */
        public Builder cluster(ClusterSettings settings) {
            this.cluster = settings;
            return this;
        }

        /** Vert.x event-loop threads of this node; 0 (the default) keeps Vert.x's default of twice the cores. */
        public Builder eventLoops(int loops) {
            if (loops < 0 || loops > 256) {
                throw new IllegalArgumentException("eventLoops must be 0-256, got " + loops);
            }
            this.eventLoops = loops;
            return this;
        }

        /** When preview tools serve a task (default {@code auto}); with {@code off} they are not served at all. */
        public Builder previews(RoutingCatalog.Previews previews) {
            this.previews = Objects.requireNonNull(previews, "previews");
            return this;
        }

        /** Also answers the agent's event-bus API on {@code modaweave.agent}, and artifact reads on {@code modaweave.artifacts.read}. */
        public Builder busApi(boolean enabled) {
            this.busApi = enabled;
            return this;
        }

        /**
         * Starts everything and waits until it is ready.
         *
         * @throws IllegalStateException when a part does not start, with its reason; what started is stopped again
         */
        public AgentRuntime start() {
            Path root = (storeRoot != null ? storeRoot : defaultStoreRoot()).toAbsolutePath().normalize();
            List<GeneratorTool> served = new ArrayList<>(tools != null ? tools
                    : plugins.toolsWithBuiltIns(AgentRuntime.class.getClassLoader()).stream().map(SourcedTool::tool).toList());
            served.addAll(extraTools);
            if (previews == RoutingCatalog.Previews.OFF) {
                served.removeIf(tool -> {
                    if (tool.descriptor().preview()) {
                        tool.close();
                        return true;
                    }
                    return false;
                });
            }
            ArtifactStore artifacts;
            try {
                artifacts = FileSystemArtifactStore.builder(root).maxTotalBytes(storeMaxBytes).maxAge(storeMaxAge).build();
            } catch (RuntimeException e) {
                served.forEach(GeneratorTool::close);
                throw new IllegalStateException(e.getMessage(), e);
            }
            Vertx vertx;
            HazelcastClusterManager manager = null;
            VertxOptions vertxOptions = new VertxOptions();
            if (eventLoops > 0) {
                vertxOptions.setEventLoopPoolSize(eventLoops);
            }
            try {
                if (cluster == null) {
                    vertx = Vertx.vertx(vertxOptions);
                } else {
                    manager = Clustering.clusterManager(cluster);
                    vertx = Clustering.start(cluster, manager, vertxOptions).await(60, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                served.forEach(GeneratorTool::close);
                throw new IllegalStateException("cannot start Vert.x" + (cluster == null ? "" : " in cluster '" + cluster.clusterName() + "'")
                        + ": " + e.getMessage(), e);
            }
            List<ToolWorker> workers = new ArrayList<>();
            List<String> workerDeployments = new ArrayList<>();
            try {
                ToolRegistry registry = ToolRegistry.create();
                registry.attach(vertx).await(10, TimeUnit.SECONDS);
                if (manager != null) {
                    Clustering.reportDepartures(manager, registry);
                }
                for (GeneratorTool tool : served) {
                    registry.register(tool);
                    ToolWorker worker = ToolWorker.of(ReachabilityProbe.keep(tool, toolDecorator.apply(tool)), artifacts);
                    workerDeployments.add(vertx.deployVerticle(worker).await(30, TimeUnit.SECONDS));
                    workers.add(worker);
                }
                vertx.deployVerticle(Dispatcher.of(registry, Dispatcher.Options.builder().previews(previews)
                                .orphanTimeout(orphanTimeout).build()))
                        .await(10, TimeUnit.SECONDS);
                Agent.Builder agentBuilder = Agent.builder().vertx(vertx).model(model != null ? model : new DirectReplyModel())
                        .catalog(registry).store(artifacts).previews(previews);
                if (agentOptions != null) {
                    agentBuilder.options(agentOptions);
                }
                if (projector != null) {
                    // the learned projector's model encodes the pictures itself: they reach it as image content
                    agentBuilder.projector(projector == LlmConfig.Projector.NATIVE || projector == LlmConfig.Projector.LEARNED
                            ? InputProjector.nativeContent(vertx, artifacts, videoFrames, audioInput)
                            : InputProjector.captions(vertx, artifacts));
                }
                Agent agent = agentBuilder.build();
                AgentVerticle api = null;
                if (busApi) {
                    api = new AgentVerticle(agent);
                    vertx.deployVerticle(api).await(10, TimeUnit.SECONDS);
                    vertx.deployVerticle(new ArtifactReader(artifacts)).await(10, TimeUnit.SECONDS);
                } else {
                    agent.start().await(10, TimeUnit.SECONDS);
                }
                return new AgentRuntime(vertx, root, artifacts, registry, served, workers, workerDeployments, agent, api,
                        manager != null);
            } catch (Exception e) {
                try {
                    vertx.close().await(30, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // the start failure below is the one worth reporting
                }
                served.forEach(GeneratorTool::close);
                throw new IllegalStateException("cannot start the runtime: " + e.getMessage(), e);
            }
        }
    }
}
