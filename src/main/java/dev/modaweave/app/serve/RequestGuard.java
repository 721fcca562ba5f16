package dev.modaweave.app.serve;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The first check of every request, against DNS rebinding and cross-site requests (as Jupyter and
 * Ollama do). The {@code Host} must name this server: a loopback name ({@code localhost},
 * {@code 127.0.0.1}, {@code [::1]}), any IP literal, the bound address or a name listed in
 * {@code server.allowedHosts} (an entry {@code .example.org} also allows its subdomains, {@code *} allows
 * any); else 403 {@code host_not_allowed}. A request that carries an {@code Origin} must come from the
 * server's own origin (the same scheme, host and port as its {@code Host}) or one listed in
 * {@code server.allowedOrigins}; else 403 {@code origin_not_allowed}. Clients that send no
 * {@code Origin} (curl, SDKs, the event bus from Java) are not concerned. {@link #requireJson} answers
 * {@code POST /v1/turns} and the cancel endpoint with 415 unless their body is declared
 * {@code application/json}, so no cross-site "simple" request (text/plain, form) reaches them.
 */
final class RequestGuard implements Handler<RoutingContext> {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "localhost.");

    private final String boundHost;
    private final List<String> allowedHosts;
    private final List<String> allowedOrigins;
    private final ServeMetrics metrics;

    RequestGuard(String boundHost, List<String> allowedHosts, List<String> allowedOrigins, ServeMetrics metrics) {
        this.boundHost = hostName(boundHost.contains(":") && !boundHost.startsWith("[") ? "[" + boundHost + "]" : boundHost);
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.allowedOrigins = allowedOrigins.stream().map(o -> stripSlash(o.toLowerCase(Locale.ROOT))).toList();
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String host = ctx.request().getHeader("Host");
        if (host == null || !hostAllowed(hostName(host))) {
            refuse(ctx, 403, "host_not_allowed", "the Host '" + (host == null ? "" : host) + "' is not a name of this server;"
                    + " add it to server.allowedHosts in the configuration if clients reach the server by that name", "host");
            return;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin != null && !originAllowed(origin, host)) {
            refuse(ctx, 403, "origin_not_allowed", "requests from the web origin '" + origin + "' are not allowed;"
                    + " add it to server.allowedOrigins in the configuration to let pages of that origin use this server", "origin");
            return;
        }
        ctx.next();
    }

    /** The JSON-only check of the turn and cancel endpoints, a handler of its own so that it runs after authentication. */
    void requireJson(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.POST && needsJson(ctx.normalizedPath()) && !isJson(ctx.request().getHeader("Content-Type"))) {
            refuse(ctx, 415, "unsupported_media_type", "this endpoint takes a JSON body only: send 'Content-Type: application/json'",
                    "content_type");
            return;
        }
        ctx.next();
    }

    private void refuse(RoutingContext ctx, int status, String code, String message, String reason) {
        metrics.refused(reason);
        HttpError.send(ctx, status, code, message);
    }

    private static boolean needsJson(String path) {
        return path != null && (path.equals("/v1/turns") || (path.startsWith("/v1/sessions/") && path.endsWith("/cancel")));
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().equalsIgnoreCase("application/json");
    }

    /** The host part of a {@code Host} header, lower case, without the port; IPv6 literals keep their brackets. */
    static String hostName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private boolean hostAllowed(String name) {
        if (name.isEmpty()) {
            return false;
        }
        if (LOOPBACK.contains(name) || name.equals(boundHost) || isIpLiteral(name)) {
            return true;
        }
        for (String allowed : allowedHosts) {
            if (allowed.equals("*") || allowed.equals(name) || (allowed.startsWith(".") && name.endsWith(allowed))) {
                return true;
            }
        }
        return false;
    }

    /** A DNS rebinding attack needs a name the attacker controls; an IP literal can only be this server. */
    private static boolean isIpLiteral(String name) {
        if (name.startsWith("[") && name.endsWith("]")) {
            return name.substring(1, name.length() - 1).matches("[0-9a-f:.]+");
        }
        return name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private boolean originAllowed(String origin, String host) {
        String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
        if (o.equals("http://" + host.trim().toLowerCase(Locale.ROOT)) || o.equals("https://" + host.trim().toLowerCase(Locale.ROOT))) {
            return true;
        }
        return allowedOrigins.contains("*") || allowedOrigins.contains(o);
    }

    private static String stripSlash(String origin) {
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }
}
