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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final SessionOwners owners = new SessionOwners();
    private final AtomicInteger turnsRunning = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
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
        ArtifactRoutes artifacts = new ArtifactRoutes(vertx, runtime.store());
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
        endpoints.add("/v1/artifacts", HttpMethod.POST).handler(BodyHandler.create(uploads.toString()).setBodyLimit(options.maxUploadBytes())
                .setDeleteUploadedFilesOnEnd(true)).handler(artifacts::upload);
        endpoints.add("/v1/artifacts/:id/meta", HttpMethod.GET).handler(artifacts::meta);
        endpoints.add("/v1/artifacts/:id", HttpMethod.GET, HttpMethod.HEAD).handler(artifacts::download);
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(BridgeGuard.options(), new BridgeGuard(owners)));
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
        Future<Boolean> store = vertx.executeBlocking(() -> {
            Path probe = Files.createTempFile(runtime.storeRoot(), ".ready", ".tmp");
            Files.delete(probe);
            return true;
        }, false).otherwise(false);
        Future.all(dispatcher, store).onComplete(ar -> {
            boolean ok = !draining.get() && dispatcher.result() && store.result() && available > 0;
            json(ctx, ok ? 200 : 503, new JsonObject().put("ready", ok).put("checks", new JsonObject()
                    .put("dispatcher", dispatcher.result()).put("availableTools", available)
                    .put("storeWritable", store.result()).put("acceptingTurns", !draining.get())));
        });
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

    // ---- turns ----------------------------------------------------------------------------------

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
        String client = clientOf(ctx);
        RateLimits.Refusal refusal = rates.admitTurn(client);
        if (refusal != null) {
            metrics.refused("rate_limited");
            ctx.response().putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
            throw new HttpError(429, "rate_limited", "this client has used its " + refusal.limit() + " " + refusal.budget()
                    + " per minute (server.limits." + refusal.budget() + "PerMinute); retry in " + refusal.retryAfterSeconds() + " s");
        }
        if (!owners.claim(sessionId, SessionOwners.HTTP)) {
            throw new HttpError(403, "session_not_yours", "session '" + sessionId + "' belongs to an event-bus client; use another session id");
        }
        runtime.vertx().executeBlocking(() -> {
            for (String id : input.media()) {
                if (runtime.store().find(id).isEmpty()) {
                    throw new HttpError(400, "unknown_media", "media " + id + " is not in the artifact store; upload it first (POST /v1/artifacts)");
                }
            }
            return null;
        }, false).onSuccess(v -> stream(ctx, sessionId, input, client)).onFailure(ctx::fail);
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

    private void stream(RoutingContext ctx, String sessionId, UserInput input, String client) {
        turnsRunning.incrementAndGet();
        if (draining.get()) {
            turnEnded();
            HttpError.send(ctx, 503, "shutting_down", "the server is shutting down and takes no new turns; try another node");
            return;
        }
        metrics.turnStarted();
        Context context = runtime.vertx().getOrCreateContext();
        HttpServerResponse response = ctx.response();
        AtomicBoolean finished = new AtomicBoolean();
        long keepAlive = runtime.vertx().setPeriodic(KEEP_ALIVE_MS, id -> {
            if (response.headWritten() && !response.ended()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> {
            if (!finished.get()) {
                runtime.agent().cancel(sessionId, "the HTTP client went away");
            }
        });
        String turnId = Agent.newTurnId();
        runtime.agent().turn(sessionId, turnId, input, event -> context.runOnContext(v -> {
            metrics.onEvent(event);
            if (AgentEvents.CALL_ACCEPTED.equals(event.getString("type"))) {
                rates.callAccepted(client);
            }
            if (response.ended() || response.closed()) {
                return;
            }
            if (!response.headWritten()) {
                response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
            }
            response.write("data: " + event.encode() + "\n\n");
        })).onComplete(ar -> context.runOnContext(v -> {
            finished.set(true);
            runtime.vertx().cancelTimer(keepAlive);
            metrics.turnEnded();
            turnEnded();
            if (ar.failed()) {
                Throwable cause = ar.cause();
                if (cause instanceof IllegalStateException) {
                    HttpError.send(ctx, 409, "session_busy", cause.getMessage());
                } else if (cause instanceof IllegalArgumentException) {
                    HttpError.send(ctx, 400, "bad_request", cause.getMessage());
                } else {
                    ctx.fail(cause);
                }
                return;
            }
            String type = ar.result() == null ? null : ar.result().getString("type");
            if (!AgentEvents.TURN_DONE.equals(type) && !AgentEvents.TURN_FAILED.equals(type)) {
                LOG.warn("turn {} ended without turn_done or turn_failed", turnId);
            }
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        }));
    }

    private void turnEnded() {
        if (turnsRunning.decrementAndGet() == 0 && draining.get()) {
            drained.complete(null);
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
     * Stops taking turns (new ones get 503), waits up to the drain timeout for running turns to end,
     * then closes the server and the runtime (which cancels what still runs). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining.set(true);
        if (turnsRunning.get() == 0) {
            drained.complete(null);
        }
        try {
            drained.get(options.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} turns still running after {}; cancelling them", turnsRunning.get(), options.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        try {
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
}
