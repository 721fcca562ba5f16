package dev.modaweave.app.serve;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what connections may hold. A connection has {@code headerTimeout} to send a whole request head,
 * counted from its opening and again from the end of each response (so an idle keep-alive connection is
 * also closed after that time); a response in progress (an SSE stream, a download, a WebSocket) is never
 * cut by it. At most {@code maxConnections} connections are open, and {@code maxConnectionsPerClient}
 * from one client address: a connection past a limit gets 503 {@code too_many_connections} with
 * {@code Retry-After} and {@code Connection: close} to its first request. Requests the HTTP decoder
 * refuses (a request line or headers too long, a malformed head) get 414, 431 or 400 with the server's
 * JSON error body.
 */
final class ConnectionGuard implements Handler<RoutingContext> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectionGuard.class);

    private final Vertx vertx;
    private final long headerTimeoutMs;
    private final int maxConnections;
    private final int maxPerClient;
    private final ServeMetrics metrics;
    private final Map<HttpConnection, Conn> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

    private static final class Conn {
        final String client;
        final boolean overLimit;
        /** Whether a request head is awaited (not while a response is in progress or the connection is upgraded). */
        volatile boolean armed;
        /** {@link System#nanoTime()} by which the awaited request head must have arrived. */
        volatile long deadline;

        Conn(String client, boolean overLimit) {
            this.client = client;
            this.overLimit = overLimit;
        }
    }

    ConnectionGuard(Vertx vertx, Duration headerTimeout, int maxConnections, int maxPerClient, ServeMetrics metrics) {
        this.vertx = vertx;
        this.headerTimeoutMs = Math.max(1, headerTimeout.toMillis());
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
        this.metrics = metrics;
    }

    /** The server's connection handler: counts the connection and starts its header timer. */
    void onConnection(HttpConnection connection) {
        String client = connection.remoteAddress() == null ? "unknown" : String.valueOf(connection.remoteAddress().hostAddress());
        int mine = perClient.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
        boolean over = connections.size() >= maxConnections || mine > maxPerClient;
        Conn conn = new Conn(client, over);
        connections.put(connection, conn);
        // a client that drops its connection mid-response (a closed tab, a seek) is routine: one debug line, no stack trace
        connection.exceptionHandler(e -> LOG.debug("connection from {}: {}", client, e.getMessage()));
        connection.closeHandler(v -> {
            Conn c = connections.remove(connection);
            if (c != null) {
                cancel(c);
                perClient.computeIfPresent(c.client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        });
        arm(connection, conn);
    }

    private void arm(HttpConnection connection, Conn conn) {
        conn.deadline = System.nanoTime() + headerTimeoutMs * 1_000_000L;
        conn.armed = true;
    }

    private void cancel(Conn conn) {
        conn.armed = false;
    }

    /** Starts the sweep that closes connections past their deadline, about four times per timeout; returns its timer id. */
    long startSweeping() {
        return vertx.setPeriodic(Math.max(50, headerTimeoutMs / 4), id -> {
            long now = System.nanoTime();
            connections.forEach((connection, conn) -> {
                if (conn.armed && now - conn.deadline > 0) {
                    cancel(conn);
                    metrics.refused("header_timeout");
                    connection.close();
                }
            });
        });
    }

    /** Open connections now, for tests and metrics. */
    int open() {
        return connections.size();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        Conn conn = connection == null ? null : connections.get(connection);
        if (conn == null) {
            ctx.next();
            return;
        }
        cancel(conn);
        if (conn.overLimit) {
            metrics.refused("connections");
            ctx.response().setStatusCode(503).putHeader("Connection", "close").putHeader("Retry-After", "1")
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(new JsonObject().put("error", new JsonObject().put("code", "too_many_connections").put("message",
                            "this server holds as many connections as it allows (" + maxConnections + " in all, " + maxPerClient
                                    + " per client address: server.limits.maxConnections and maxConnectionsPerClient);"
                                    + " close idle ones or retry later")).encode())
                    .onComplete(ar -> connection.close());
            return;
        }
        if ("websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
            ctx.next(); // an upgraded connection belongs to the WebSocket (and the bridge's pings) from now on
            return;
        }
        ctx.addEndHandler(v -> {
            if (connections.containsKey(connection)) {
                arm(connection, conn);
            }
        });
        ctx.next();
    }

    /** The server's handler of requests its HTTP decoder refused: 414, 431 or 400 with a JSON error body. */
    static void invalidRequest(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        int status = 400;
        String code = "bad_request";
        String message = "the request head is malformed";
        if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            code = "headers_too_large";
            message = "the request's headers are larger than this server accepts (8 KiB)";
        } else if (cause instanceof TooLongHttpLineException) {
            status = 414;
            code = "uri_too_long";
            message = "the request line is longer than this server accepts (4,096 characters)";
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Connection", "close")
                .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode())
                .onComplete(ar -> request.connection().close());
    }
}
