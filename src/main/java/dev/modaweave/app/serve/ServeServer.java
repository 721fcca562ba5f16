package dev.modaweave.app.serve;

import dev.modaweave.agent.Agent;
import dev.modaweave.agent.AgentEvents;
import dev.modaweave.agent.Session;
import dev.modaweave.agent.UserInput;
import dev.modaweave.app.runtime.AgentRuntime;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP face of a Modaweave node: turns as Server-Sent Events, artifact upload and download, the
 * tool catalog, health, readiness, Prometheus metrics, the SockJS event-bus bridge and the web
 * playground, on one Vert.x HTTP server over an {@link AgentRuntime}. {@link #close()} stops taking
 * turns, waits (bounded) for the running ones, then stops the server and the runtime.
 */
final class ServeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServeServer.class);
    private static final long KEEP_ALIVE_MS = 15_000;

    private final ServeOptions options;
    private final AgentRuntime runtime;
    private final ServeMetrics metrics;
    /** How long turns cancelled at the drain timeout get to write their last event before the server closes regardless. */
    private static final long CANCEL_GRACE_MS = 10_000;

    private final SessionOwners owners;
    private final BridgeGuard bridge;
    private final Map<String, RunningTurn> turns = new ConcurrentHashMap<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RateLimits rates;
    private ConnectionGuard connections;
    private HttpServer server;
    private Path uploads;

    private ServeServer(ServeOptions options, AgentRuntime runtime, ServeMetrics metrics) {
        this.options = options;
        this.runtime = runtime;
        this.metrics = metrics;
        this.owners = new SessionOwners(options.limits().sessionsPerSocket(), 100_000);
        this.bridge = new BridgeGuard(owners, metrics, this::bridgeClosed);
        this.rates = new RateLimits(options.limits().turnsPerMinute(), options.limits().callsPerMinute(), System::nanoTime);
    }

    /**
     * Starts the runtime and the server and waits until it listens.
     *
     * @param runtime the runtime's settings (model, tools, store limits); the store directory, the
     *                cluster and the event-bus API are set here from {@code options}
     * @throws IllegalStateException when the runtime or the server cannot start, with the reason
     */
    static ServeServer start(ServeOptions options, AgentRuntime.Builder runtime) {
        ServeMetrics metrics = new ServeMetrics();
        AgentRuntime started = runtime.storeRoot(options.storeRoot()).busApi(true).toolDecorator(metrics::timed)
                .cluster(options.cluster()).start();
        ServeServer serve = new ServeServer(options, started, metrics);
        try {
            serve.listen();
        } catch (Exception e) {
            started.close();
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        return serve;
    }

    /** The port the server listens on. */
    int port() {
        return server.actualPort();
    }

    AgentRuntime runtime() {
        return runtime;
    }

    /** Turns started over HTTP or the bridge whose last event has not been written yet. */
    int turnsRunning() {
        return turns.size();
    }

    /** Open bridge sockets. */
    int bridgeSockets() {
        return bridge.clients().size();
    }

    private void listen() throws Exception {
        Vertx vertx = runtime.vertx();
        metrics.watchTools(runtime.registry(), runtime.workers());
        vertx.setPeriodic(5_000, id -> metrics.watchTools(runtime.registry(), runtime.workers()));
        vertx.eventBus().addOutboundInterceptor(dc -> {
            if (dc.message().address().startsWith(EventBusAddresses.session("")) && dc.message().body() instanceof JsonObject event) {
                metrics.onEvent(event);
            }
            dc.next();
        });
        connections = new ConnectionGuard(vertx, options.limits().headerTimeout(), options.limits().maxConnections(),
                options.limits().maxConnectionsPerClient(), metrics);
        connections.startSweeping();
        server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
                        .setCompressionSupported(false).setIdleTimeout(0).setHttp2ClearTextEnabled(false))
                .connectionHandler(connections::onConnection).invalidRequestHandler(ConnectionGuard::invalidRequest)
                .requestHandler(router(vertx)).listen().await(30, TimeUnit.SECONDS);
        LOG.info("listening on http://{}:{}/", options.host(), server.actualPort());
    }

    private Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        ArtifactRoutes artifacts = new ArtifactRoutes(vertx, runtime.store(), options.limits().storeQuotaBytes());
        router.route().handler(connections);
        RequestGuard guard = new RequestGuard(options.host(), options.allowedHosts(), options.allowedOrigins(), metrics);
        router.route().handler(guard);
        if (options.token() != null) {
            BearerAuth auth = new BearerAuth(options.token(), () -> metrics.refused("unauthorized"));
            router.route().handler(ctx -> {
                String path = ctx.normalizedPath();
                if (path != null && (path.startsWith("/v1/") || path.equals("/ready") || path.equals("/metrics") || path.startsWith("/eventbus/"))) {
                    auth.handle(ctx);
                } else {
                    ctx.next();
                }
            });
        }
        router.route().handler(guard::requireJson);
        router.route().handler(ctx -> {
            String method = ctx.request().method().name();
            String route = routeOf(ctx.normalizedPath());
            ctx.addEndHandler(v -> metrics.httpRequest(method, route, ctx.response().getStatusCode()));
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        Endpoints endpoints = new Endpoints(router);
        endpoints.add("/health", HttpMethod.GET).handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
        endpoints.add("/ready", HttpMethod.GET).handler(this::ready);
        endpoints.add("/metrics", HttpMethod.GET).handler(ctx -> {
            metrics.watchTools(runtime.registry(), runtime.workers());
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
        });
        endpoints.add("/v1/tools", HttpMethod.GET).handler(this::tools);
        endpoints.add("/v1/turns", HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(options.maxTurnBytes())).handler(this::turn);
        endpoints.add("/v1/sessions/:id/cancel", HttpMethod.POST).handler(this::cancel);
        uploads = uploadsDirectory();
        router.post("/v1/artifacts").handler(ArtifactRoutes::rawUnlessMultipart);
        endpoints.add("/v1/artifacts", HttpMethod.POST).handler(BodyHandler.create(uploads.toString()).setBodyLimit(options.maxUploadBytes())
                .setDeleteUploadedFilesOnEnd(true)).handler(artifacts::upload);
        endpoints.add("/v1/artifacts/:id/meta", HttpMethod.GET).handler(artifacts::meta);
        endpoints.add("/v1/artifacts/:id", HttpMethod.GET, HttpMethod.HEAD).handler(artifacts::download);
        vertx.eventBus().localConsumer(bridge.turnsAddress(), this::bridgeRequest);
        router.post("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(options.maxTurnBytes()));
        router.post("/eventbus/*").handler(ServeServer::closeAfterXhrReceive);
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(bridge.options(), bridge));
        router.route("/v1/*").handler(ctx -> endpoints.notAnswered(ctx, "endpoint"));
        router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
                    + "media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
            ctx.next();
        }).handler(StaticHandler.create("dev/modaweave/app/web").setCachingEnabled(false).setDirectoryListing(false));
        router.route().last().handler(ctx -> endpoints.notAnswered(ctx, "resource"));
        router.route().failureHandler(HttpError::handleFailure);
        return router;
    }

    /**
     * SockJS's xhr-polling and xhr-streaming receivers close the connection once their response ends, but
     * say nothing of it in the response: a keep-alive client (node's http agent) sends its next poll on
     * the same socket at once, the close resets it, and sockjs-client ends the session with 1006
     * "permanent" in the middle of a turn. {@code Connection: close} tells the client not to reuse it.
     */
    private static void closeAfterXhrReceive(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path != null && (path.endsWith("/xhr") || path.endsWith("/xhr_streaming"))) {
            ctx.response().putHeader("Connection", "close");
        }
        ctx.next();
    }

    private static Path uploadsDirectory() {
        try {
            return Files.createTempDirectory("modaweave-uploads");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for uploads in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage(), e);
        }
    }

    private static String routeOf(String path) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/v1/artifacts/")) {
            return path.endsWith("/meta") ? "/v1/artifacts/{id}/meta" : "/v1/artifacts/{id}";
        }
        if (path.startsWith("/v1/sessions/")) {
            return "/v1/sessions/{id}/cancel";
        }
        if (path.startsWith("/eventbus/")) {
            return "/eventbus";
        }
        return switch (path) {
            case "/health", "/ready", "/metrics", "/v1/tools", "/v1/turns", "/v1/artifacts" -> path;
            default -> "static";
        };
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    // ---- readiness and tools --------------------------------------------------------------------

    private void ready(RoutingContext ctx) {
        Vertx vertx = runtime.vertx();
        long available = runtime.registry().all().stream().filter(d -> runtime.registry().isAvailable(d.name())).count();
        Future<Boolean> dispatcher = vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH,
                        new JsonObject().put("action", "cancel").put("turnId", "readiness-probe"), new DeliveryOptions().setSendTimeout(2_000))
                .map(reply -> reply.body() != null && reply.body().containsKey("cancelled")).otherwise(false);
        Future<Boolean> store = vertx.executeBlocking(() -> probeStore(runtime.storeRoot()), false).otherwise(false);
        Future.all(dispatcher, store).onComplete(ar -> {
            boolean ok = !draining.get() && dispatcher.result() && store.result() && available > 0;
            json(ctx, ok ? 200 : 503, new JsonObject().put("ready", ok).put("checks", new JsonObject()
                    .put("dispatcher", dispatcher.result()).put("availableTools", available)
                    .put("storeWritable", store.result()).put("acceptingTurns", !draining.get())));
        });
    }

    /**
     * Writes, syncs, reads back and deletes a small file in each directory the store writes to (its
     * blobs and its metadata), so that a full disk, a read-only mount or a directory replaced by a file
     * makes the server not ready.
     */
    static boolean probeStore(Path root) throws IOException {
        byte[] probe = ("ready " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (String dir : List.of("blobs", "meta")) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) {
                return false;
            }
            Path file = Files.createTempFile(d, ".ready-", ".tmp");
            try {
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap(probe));
                    channel.force(true);
                }
                if (!java.util.Arrays.equals(Files.readAllBytes(file), probe)) {
                    return false;
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        return true;
    }

    private void tools(RoutingContext ctx) {
        ToolRegistry registry = runtime.registry();
        JsonArray tools = new JsonArray();
        for (ToolDescriptor d : registry.all()) {
            String breaker = runtime.workers().stream().filter(w -> w.descriptor().name().equals(d.name())).findFirst()
                    .map(ToolWorker::breakerState).orElse(null);
            tools.add(new JsonObject().put("name", d.name()).put("task", d.task()).put("description", d.description())
                    .put("inputModalities", new JsonArray(d.inputModalities().stream().map(m -> m.wireName()).sorted().toList()))
                    .put("outputModality", d.outputModality().wireName())
                    .put("preview", d.preview())
                    .put("availability", registry.availability(d.name()).name().toLowerCase(java.util.Locale.ROOT))
                    .put("available", registry.isAvailable(d.name()))
                    .put("breaker", breaker)
                    .put("load", registry.load(d.name()))
                    .put("nodes", new JsonArray(registry.nodes(d.name()))));
        }
        json(ctx, 200, new JsonObject().put("tools", tools));
    }

    // ---- turns: one path for HTTP and the bridge ------------------------------------------------

    /** Where a turn's events go: an SSE response or a bridge socket. */
    private interface TurnSink {
        /** Writes one event; completes once it is written (or the client is gone). */
        Future<Void> write(JsonObject event);

        /** Called after the last event was written: ends what must end; completes once done. */
        Future<Void> end();
    }

    /** A turn from its start until its last event has been written to its client. */
    private static final class RunningTurn {
        final String sessionId;
        final String turnId;
        final Promise<Void> delivered = Promise.promise();
        volatile boolean cancelledByShutdown;

        RunningTurn(String sessionId, String turnId) {
            this.sessionId = sessionId;
            this.turnId = turnId;
        }
    }

    /**
     * Starts a turn on the one path every transport takes: refused while shutting down (503
     * {@code shutting_down}), refused past the client's spending limits (429), started in the agent
     * (409 when the session is busy); its events go to {@code sink} in order on {@code context}, the
     * last one ({@code turn_done}, or {@code turn_failed} with code {@code shutting_down} when the drain
     * timeout cancelled it) before the turn counts as delivered. Fails with an {@link HttpError}.
     */
    private Future<RunningTurn> runTurn(String sessionId, UserInput input, String client, Context context, TurnSink sink,
                                        Runnable ended) {
        RateLimits.Refusal refusal = rates.admitTurn(client);
        if (refusal != null) {
            metrics.refused("rate_limited");
            return Future.failedFuture(new RateLimited(refusal));
        }
        RunningTurn turn = new RunningTurn(sessionId, Agent.newTurnId());
        synchronized (turns) {
            if (draining.get()) {
                return Future.failedFuture(new HttpError(503, "shutting_down", "the server is shutting down and takes no new turns; try another node"));
            }
            turns.put(turn.turnId, turn);
        }
        Promise<RunningTurn> started = Promise.promise();
        runtime.agent().startTurn(sessionId, turn.turnId, input, event -> context.runOnContext(v -> {
            JsonObject e = event;
            String type = e.getString("type");
            metrics.onEvent(e);
            if (AgentEvents.CALL_ACCEPTED.equals(type)) {
                rates.callAccepted(client);
            }
            boolean last = AgentEvents.TURN_DONE.equals(type) || AgentEvents.TURN_FAILED.equals(type);
            if (last && turn.cancelledByShutdown && AgentEvents.TURN_FAILED.equals(type)) {
                e = e.copy();
                JsonObject error = e.getJsonObject("error", new JsonObject());
                e.put("error", error.put("code", "shutting_down"));
            }
            e = redactStorePaths(e);
            Future<Void> written = sink.write(e);
            if (last) {
                written.eventually(sink::end).onComplete(ar -> finish(turn, ended));
            }
        })).onComplete(ar -> {
            if (ar.failed()) {
                turns.remove(turn.turnId);
                turn.delivered.tryComplete();
                ended.run();
                Throwable cause = ar.cause();
                started.fail(cause instanceof IllegalStateException ? new HttpError(409, "session_busy", cause.getMessage())
                        : cause instanceof IllegalArgumentException ? new HttpError(400, "bad_request", cause.getMessage()) : cause);
                return;
            }
            metrics.turnStarted();
            ar.result().onFailure(e -> context.runOnContext(v -> finish(turn, ended)));
            started.complete(turn);
        });
        return started.future();
    }

    /** A failure that names a file of the store says "the artifact store" instead: clients never see server paths. */
    private JsonObject redactStorePaths(JsonObject event) {
        JsonObject error = event.getValue("error") instanceof JsonObject o ? o : null;
        String root = runtime.storeRoot().toAbsolutePath().normalize().toString();
        if (error == null || !(error.getValue("message") instanceof String message) || !message.contains(root)) {
            return event;
        }
        JsonObject copy = event.copy();
        copy.getJsonObject("error").put("message", message.replaceAll(java.util.regex.Pattern.quote(root) + "[^\\s:;,'\"]*",
                "the artifact store"));
        return copy;
    }

    private void finish(RunningTurn turn, Runnable ended) {
        if (turns.remove(turn.turnId) != null) {
            metrics.turnEnded();
            ended.run();
        }
        turn.delivered.tryComplete();
    }

    /** A 429 with the seconds after which the client may retry. */
    private static final class RateLimited extends HttpError {
        final long retryAfter;

        RateLimited(RateLimits.Refusal refusal) {
            super(429, "rate_limited", "this client has used its " + refusal.limit() + " " + refusal.budget() + " per minute (server.limits."
                    + refusal.budget() + "PerMinute); retry in " + refusal.retryAfterSeconds() + " s");
            this.retryAfter = refusal.retryAfterSeconds();
        }
    }

    private void turn(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new HttpError(400, "bad_json", "the body is not a JSON object: send {\"sessionId\":…,\"message\":{\"text\":…,\"media\":[…]}}");
        }
        if (body == null) {
            throw new HttpError(400, "bad_json", "the body is empty: send {\"sessionId\":…,\"message\":{\"text\":…,\"media\":[…]}}");
        }
        String sessionId = sessionId(body.getValue("sessionId"));
        UserInput input = input(body.getValue("message"));
        if (owners.claim(sessionId, SessionOwners.HTTP) != SessionOwners.Claim.OWNED) {
            throw new HttpError(403, "session_not_yours", "session '" + sessionId + "' belongs to an event-bus client; use another session id");
        }
        checkMedia(input).compose(v -> streamOverHttp(ctx, sessionId, input)).onFailure(e -> {
            if (e instanceof RateLimited limited) {
                ctx.response().putHeader("Retry-After", Long.toString(limited.retryAfter));
            }
            ctx.fail(e);
        });
    }

    private Future<Void> checkMedia(UserInput input) {
        if (input.media().isEmpty()) {
            return Future.succeededFuture();
        }
        return runtime.vertx().executeBlocking(() -> {
            for (String id : input.media()) {
                if (runtime.store().find(id).isEmpty()) {
                    throw new HttpError(400, "unknown_media", "media " + id + " is not in the artifact store; upload it first (POST /v1/artifacts)");
                }
            }
            return null;
        }, false);
    }

    /** The client a limit is counted for: its address as this server sees it. */
    static String clientOf(RoutingContext ctx) {
        var remote = ctx.request().remoteAddress();
        return remote == null ? "unknown" : String.valueOf(remote.hostAddress());
    }

    private static String sessionId(Object raw) {
        if (!(raw instanceof String id) || !Session.ID.matcher(id).matches()) {
            throw new HttpError(400, "bad_request", "sessionId must be a string of 1-128 letters, digits, '_', '-' or '.'");
        }
        return id;
    }

    private static UserInput input(Object raw) {
        if (!(raw instanceof JsonObject m)) {
            throw new HttpError(400, "bad_request", "message must be an object {\"text\":…,\"media\":[artifact ids]}");
        }
        Object text = m.getValue("text");
        if (text != null && !(text instanceof String)) {
            throw new HttpError(400, "bad_request", "message.text must be a string");
        }
        Object media = m.getValue("media");
        List<String> ids = new ArrayList<>();
        if (media != null) {
            if (!(media instanceof JsonArray array)) {
                throw new HttpError(400, "bad_request", "message.media must be an array of artifact ids");
            }
            for (Object id : array) {
                if (!(id instanceof String s) || !Artifact.isValidId(s)) {
                    throw new HttpError(400, "invalid_artifact_id", "message.media must hold artifact ids (art_ followed by 26 characters a-z, 2-7)");
                }
                ids.add(s);
            }
        }
        try {
            return new UserInput((String) text, ids);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad_request", e.getMessage());
        }
    }

    private Future<Void> streamOverHttp(RoutingContext ctx, String sessionId, UserInput input) {
        HttpServerResponse response = ctx.response();
        Context context = runtime.vertx().getOrCreateContext();
        AtomicBoolean finished = new AtomicBoolean();
        long keepAlive = runtime.vertx().setPeriodic(KEEP_ALIVE_MS, id -> {
            if (response.headWritten() && !response.ended() && !response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
        TurnSink sink = new TurnSink() {
            @Override
            public Future<Void> write(JsonObject event) {
                if (response.ended() || response.closed()) {
                    return Future.succeededFuture();
                }
                if (!response.headWritten()) {
                    response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                            .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
                }
                return response.write("data: " + event.encode() + "\n\n");
            }

            @Override
            public Future<Void> end() {
                finished.set(true);
                runtime.vertx().cancelTimer(keepAlive);
                return response.ended() || response.closed() ? Future.succeededFuture() : response.end();
            }
        };
        Runnable ended = () -> {
            finished.set(true);
            runtime.vertx().cancelTimer(keepAlive);
        };
        return runTurn(sessionId, input, clientOf(ctx), context, sink, ended).map(turn -> {
            response.closeHandler(v -> {
                if (!finished.get()) {
                    runtime.agent().cancel(sessionId, "the HTTP client went away");
                }
            });
            return null;
        });
    }

    /** The bridge's turn requests, redirected here by {@link BridgeGuard}: the same JSON and replies as the agent's bus API. */
    private void bridgeRequest(Message<Object> message) {
        BridgeGuard.Client client = bridge.client(message.headers().get(BridgeGuard.SOCKET_HEADER));
        if (client == null || !(message.body() instanceof JsonObject body)) {
            message.reply(refusal("bad_request", "a request is a JSON object {sessionId, message:{text, media}}"));
            return;
        }
        String sessionId;
        UserInput input;
        String action = body.getValue("action") instanceof String a ? a : "turn";
        try {
            sessionId = sessionId(body.getValue("sessionId"));
            if (action.equals("cancel")) {
                runtime.agent().cancel(sessionId, "cancelled by its event-bus client").onComplete(ar ->
                        message.reply(new JsonObject().put("sessionId", sessionId).put("cancelled", ar.succeeded() && ar.result())));
                return;
            }
            if (!action.equals("turn")) {
                throw new HttpError(400, "bad_request", "unknown action '" + action + "'; use turn (the default) or cancel");
            }
            input = input(body.getValue("message"));
        } catch (HttpError e) {
            message.reply(refusal(e.code(), e.getMessage()));
            return;
        }
        Context context = runtime.vertx().getOrCreateContext();
        String address = client.socket.remoteAddress() == null ? "unknown" : String.valueOf(client.socket.remoteAddress().hostAddress());
        TurnSink sink = new TurnSink() {
            @Override
            public Future<Void> write(JsonObject event) {
                return client.deliver(sessionId, event);
            }

            @Override
            public Future<Void> end() {
                return Future.succeededFuture();
            }
        };
        boolean alreadyRunning = client.running.contains(sessionId);
        client.running.add(sessionId);
        checkMedia(input).compose(v -> runTurn(sessionId, input, address, context, sink, () -> bridge.turnEnded(client, sessionId)))
                .onSuccess(turn -> message.reply(new JsonObject().put("accepted", true).put("sessionId", sessionId).put("turnId", turn.turnId)
                        .put("events", EventBusAddresses.session(sessionId))))
                .onFailure(e -> {
                    if (!alreadyRunning) {
                        bridge.turnEnded(client, sessionId);
                    }
                    message.reply(e instanceof HttpError h ? refusal(h.code(), h.getMessage())
                            : refusal("internal_error", "the turn could not start; the server log has the details"));
                    if (!(e instanceof HttpError)) {
                        LOG.error("a bridge turn could not start", e);
                    }
                });
    }

    private static JsonObject refusal(String code, String message) {
        return new JsonObject().put("accepted", false).put("error", new JsonObject().put("code", code).put("message", message));
    }

    /** A bridge socket closed: its turns are cancelled unless {@code server.limits.bridgeDisconnect} is {@code keep}. */
    private void bridgeClosed(BridgeGuard.Client client) {
        if (!"keep".equals(options.limits().bridgeDisconnect())) {
            for (String sessionId : List.copyOf(client.running)) {
                runtime.agent().cancel(sessionId, "the event-bus client went away");
            }
        }
    }

    private void cancel(RoutingContext ctx) {
        String sessionId = ctx.pathParam("id");
        if (sessionId == null || !Session.ID.matcher(sessionId).matches()) {
            throw new HttpError(400, "bad_request", "a session id is 1-128 letters, digits, '_', '-' or '.'");
        }
        if (!owners.ownedBy(sessionId, SessionOwners.HTTP)) {
            throw new HttpError(404, "unknown_session", "no session '" + sessionId + "' was started over HTTP");
        }
        runtime.agent().cancel(sessionId, "cancelled over HTTP").onSuccess(cancelled ->
                json(ctx, 200, new JsonObject().put("sessionId", sessionId).put("cancelled", cancelled))).onFailure(ctx::fail);
    }

    private void deleteUploads() {
        if (uploads == null) {
            return;
        }
        try (var files = Files.walk(uploads)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", uploads, e.getMessage());
        }
    }

    // ---- shutdown -------------------------------------------------------------------------------

    /**
     * The one shutdown path of every turn, HTTP or bridge: new turns are refused (503 over HTTP,
     * {@code shutting_down} over the bridge), running turns may finish within the drain timeout; those
     * still running then are cancelled and end with {@code turn_failed} code {@code shutting_down}.
     * Each turn counts as over only once its last event has been written to its client (the write's
     * future), and only then are the bridge sockets and the server closed, then the runtime. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (turns) {
            draining.set(true);
        }
        long drainStart = System.nanoTime();
        // turns other cluster members started through the bus API drain alongside the HTTP and bridge turns
        Future<Void> busTurns = runtime.busApi().map(api -> api.drain()).orElse(Future.succeededFuture());
        boolean delivered = awaitDelivered(options.drainTimeout().toMillis());
        long remaining = options.drainTimeout().toMillis() - (System.nanoTime() - drainStart) / 1_000_000L;
        try {
            busTurns.await(Math.max(1, remaining), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{} bus-API turns still running after the {} drain timeout; the agent cancels them as it closes",
                    runtime.busApi().map(api -> api.runningTurns()).orElse(0), options.drainTimeout());
        }
        if (!delivered) {
            List<RunningTurn> left = List.copyOf(turns.values());
            LOG.warn("{} turns still running after the {} drain timeout; cancelling them", left.size(), options.drainTimeout());
            for (RunningTurn turn : left) {
                turn.cancelledByShutdown = true;
                runtime.agent().cancel(turn.sessionId, "the server is shutting down (drain timeout of " + options.drainTimeout().toSeconds() + " s)");
            }
            if (!awaitDelivered(CANCEL_GRACE_MS)) {
                LOG.warn("turns still running {} ms after they were cancelled; closing anyway", CANCEL_GRACE_MS);
            }
        }
        try {
            for (BridgeGuard.Client client : bridge.clients()) {
                client.socket.close();
            }
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("the HTTP server did not close cleanly: {}", e.getMessage());
        } finally {
            try {
                runtime.close();
            } finally {
                deleteUploads();
            }
        }
    }

    /** Waits until every running turn's last event has been written, at most {@code millis}; true when none is left. */
    private boolean awaitDelivered(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            List<Future<Void>> pending = turns.values().stream().map(t -> t.delivered.future()).toList();
            if (pending.isEmpty()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Future.join(new ArrayList<>(pending)).await(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (RuntimeException e) {
                // a failed delivery still ends the turn; loop to see what is left
            }
        }
    }
}
