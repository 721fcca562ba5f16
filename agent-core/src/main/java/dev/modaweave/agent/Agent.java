package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.modaweave.prompts.Prompts;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The ModaVerse-style agent: runs one turn at a time per session over any LangChain4j
 * {@link StreamingChatModel}. The answer streams through the incremental parser; text goes to the
 * caller at once and each meta-response is validated and dispatched the moment it is complete,
 * while the LLM keeps streaming. Independent calls run in parallel, dependent ones as soon as their
 * inputs exist. When the LLM's segment ends, the results go back into the context and the LLM
 * continues, so one answer interleaves text and media. Malformed or invalid meta-responses get one
 * repair round with the exact errors.
 *
 * <p>Calls go to the {@code Dispatcher} over the event bus, so the tools may run on any node. All
 * state lives on one Vert.x context; methods may be called from any thread.
 */
public final class Agent {

    private static final int MAX_SESSIONS = 10_000;

    private final Vertx vertx;
    private final Context context;
    private final StreamingChatModel model;
    private final RoutingCatalog catalog;
    private final ArtifactStore store;
    private final Prompts prompts;
    private final AgentOptions options;
    private final InputProjector projector;
    private final String eventsAddress = "modaweave.agent.events." + UUID.randomUUID();
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, TurnRun> running = new HashMap<>();
    private MessageConsumer<JsonObject> consumer;

    private Agent(Builder b) {
        this.vertx = Objects.requireNonNull(b.vertx, "vertx");
        this.model = Objects.requireNonNull(b.model, "model");
        this.catalog = RoutingCatalog.of(Objects.requireNonNull(b.catalog, "catalog"), b.previews);
        this.store = Objects.requireNonNull(b.store, "store");
        this.prompts = b.prompts == null ? Prompts.defaults() : b.prompts;
        this.options = b.options == null ? AgentOptions.defaults() : b.options;
        this.projector = b.projector != null ? b.projector
                : options.multimodal() ? InputProjector.nativeContent(vertx, store) : InputProjector.captions(vertx, store);
        Context current = Vertx.currentContext();
        this.context = current != null && current.owner() == vertx ? current : vertx.getOrCreateContext();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one turn.
     *
     * @param sessionId the conversation; created on first use
     * @param input     the user's text and media
     * @param events    receives every event of the turn, in order, on the agent's context
     * @return completes with the turn's last event ({@code turn_done} or {@code turn_failed}); fails only
     * when the turn cannot start (invalid session id, a turn already running in the session)
     */
    public Future<JsonObject> turn(String sessionId, UserInput input, Consumer<JsonObject> events) {
        return turn(sessionId, newTurnId(), input, events);
    }

    /** A fresh turn id: {@code t} followed by 16 hex digits. */
    public static String newTurnId() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /**
     * Runs one turn with a turn id chosen by the caller (see {@link #newTurnId()}), so that it can be
     * announced before the first event.
     */
    public Future<JsonObject> turn(String sessionId, String turnId, UserInput input, Consumer<JsonObject> events) {
        return startTurn(sessionId, turnId, input, events).compose(last -> last);
    }

    /**
     * Starts one turn. The returned future completes as soon as the turn has started (its result is the
     * future of the turn's last event), or fails at once when it cannot start: an invalid session or turn
     * id, or a turn already running in the session ({@link IllegalStateException}).
     */
    public Future<Future<JsonObject>> startTurn(String sessionId, String turnId, UserInput input, Consumer<JsonObject> events) {
        if (turnId == null || !turnId.matches("[A-Za-z0-9_.]{1,64}")) {
            return Future.failedFuture(new IllegalArgumentException("turn id " + turnId + " is invalid; use newTurnId()"));
        }
        Promise<Future<JsonObject>> started = Promise.promise();
        context.runOnContext(v -> {
            Session session;
            try {
                session = session(sessionId, true);
            } catch (IllegalArgumentException e) {
                started.fail(e);
                return;
            }
            if (session.busy) {
                started.fail(new IllegalStateException("session '" + sessionId + "' already has a turn running; wait for turn_done or cancel it"));
                return;
            }
            session.busy = true;
            session.touch(System.currentTimeMillis());
            TurnRun run = new TurnRun(this, context, session, turnId, input, events);
            running.put(run.turnId(), run);
            started.complete(run.start());
        });
        return started.future();
    }

    /** Cancels the running turn of a session; completes with whether one was running. */
    public Future<Boolean> cancel(String sessionId, String reason) {
        Promise<Boolean> result = Promise.promise();
        context.runOnContext(v -> {
            Optional<TurnRun> run = running.values().stream().filter(r -> r.sessionIdIs(sessionId)).findFirst();
            run.ifPresent(r -> r.cancel(reason == null ? "cancelled by the caller" : reason));
            result.complete(run.isPresent());
        });
        return result.future();
    }

    /** Registers the consumer of the dispatcher's events; call once before the first turn. */
    public Future<Agent> start() {
        Promise<Agent> result = Promise.promise();
        context.runOnContext(v -> {
            consumer = vertx.eventBus().consumer(eventsAddress, message -> {
                TurnRun run = running.get(message.body().getString("turnId", ""));
                if (run != null) {
                    run.onDispatcherEvent(message.body());
                }
            });
            consumer.completion().onComplete(ar -> {
                if (ar.succeeded()) {
                    result.complete(this);
                } else {
                    result.fail(ar.cause());
                }
            });
        });
        return result.future();
    }

    /** Cancels running turns and stops receiving dispatcher events. */
    public Future<Void> close() {
        Promise<Void> result = Promise.promise();
        context.runOnContext(v -> {
            new ArrayList<>(running.values()).forEach(r -> r.cancel("the agent is shutting down"));
            (consumer == null ? Future.<Void>succeededFuture() : consumer.unregister()).onComplete(ar -> result.complete());
        });
        return result.future();
    }

    /** The session with this id, if it exists. Call on the agent's context or accept a snapshot. */
    public Optional<Session> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    Session session(String id, boolean create) {
        Session s = sessions.get(id);
        if (s == null && create) {
            s = new Session(id, options.memoryMessages());
            sessions.put(id, s);
            if (sessions.size() > MAX_SESSIONS) {
                var it = sessions.values().iterator();
                while (it.hasNext() && sessions.size() > MAX_SESSIONS) {
                    if (!it.next().busy) {
                        it.remove();
                    }
                }
            }
        }
        return s;
    }

    void turnEnded(TurnRun run) {
        running.remove(run.turnId());
        run.session().busy = false;
    }

    Future<List<Artifact>> resolveMedia(List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return vertx.executeBlocking(() -> {
            List<Artifact> out = new ArrayList<>();
            for (String id : ids) {
                out.add(store.find(id).orElseThrow(() -> new IllegalArgumentException(
                        "media " + id + " is not in the artifact store; upload it first")));
            }
            return out;
        }, false);
    }

    /**
     * Native function-calling specs: one function per tool the model may use now (previews as the switch says),
     * named after the tool, with the tool's own arguments and description. A call of such a function names its
     * tool, so it goes to that tool.
     */
    List<ToolSpecification> toolSpecifications() {
        List<ToolSpecification> specs = new ArrayList<>();
        for (ToolDescriptor d : catalog.all()) {
            specs.add(ToolSpecification.builder().name(d.name())
                    .description("Task " + d.task() + (d.preview() ? " (preview: labelled stand-in media)" : "") + ". "
                            + d.description().strip())
                    .parameters(NativeSchemas.toJsonObjectSchema(d.argumentsSchema())).build());
        }
        return specs;
    }

    boolean takesArtifact(MetaResponse call, String argument) {
        List<ToolDescriptor> tools = call.tool() != null ? catalog.byName(call.tool()).stream().toList() : catalog.byTask(call.task());
        for (ToolDescriptor d : tools) {
            JsonNode p = d.argumentsSchema().path("properties").path(argument);
            if (p.has("contentMediaType")) {
                return true;
            }
        }
        return false;
    }

    Vertx vertx() {
        return vertx;
    }

    StreamingChatModel model() {
        return model;
    }

    RoutingCatalog catalog() {
        return catalog;
    }

    ArtifactStore store() {
        return store;
    }

    Prompts prompts() {
        return prompts;
    }

    AgentOptions options() {
        return options;
    }

    InputProjector projector() {
        return projector;
    }

    String eventsAddress() {
        return eventsAddress;
    }

    /** Builder for {@link Agent}; {@code vertx}, {@code model}, {@code catalog} and {@code store} are required. */
    public static final class Builder {
        private Vertx vertx;
        private StreamingChatModel model;
        private ToolCatalog catalog;
        private ArtifactStore store;
        private Prompts prompts;
        private AgentOptions options;
        private InputProjector projector;
        private RoutingCatalog.Previews previews = RoutingCatalog.Previews.AUTO;

        public Builder vertx(Vertx vertx) { this.vertx = vertx; return this; }
        public Builder model(StreamingChatModel model) { this.model = model; return this; }
        /** The tools the prompt catalog shows and the validator accepts (the live registry in an application). */
        public Builder catalog(ToolCatalog catalog) { this.catalog = catalog; return this; }
        public Builder store(ArtifactStore store) { this.store = store; return this; }
        public Builder prompts(Prompts prompts) { this.prompts = prompts; return this; }
        public Builder options(AgentOptions options) { this.options = options; return this; }
        /** Defaults to native content for multimodal models and captions otherwise. */
        public Builder projector(InputProjector projector) { this.projector = projector; return this; }
        /** When preview tools are shown and accepted (default {@code auto}); use the dispatcher's setting. */
        public Builder previews(RoutingCatalog.Previews previews) { this.previews = Objects.requireNonNull(previews, "previews"); return this; }

        public Agent build() {
            return new Agent(this);
        }
    }
}
