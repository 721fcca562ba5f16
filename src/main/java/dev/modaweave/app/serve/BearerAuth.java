package dev.modaweave.app.serve;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Requires {@code Authorization: Bearer <token>}. Media elements and WebSockets cannot set headers, so
 * GET and HEAD requests and the event-bus bridge may pass the token as {@code ?access_token=} instead.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, in constant time whatever
 * their length. A refusal is a 401 with a JSON error.
 */
final class BearerAuth implements Handler<RoutingContext> {

    private final byte[] expected;
    private final Runnable onRefusal;

    BearerAuth(String token, Runnable onRefusal) {
        this.onRefusal = onRefusal;
        if (Objects.requireNonNull(token, "token").isBlank()) {
            throw new IllegalArgumentException("the bearer token is empty; set a non-empty secret");
        }
        this.expected = digest(token);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String presented = null;
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).trim();
        } else {
            HttpMethod method = ctx.request().method();
            if (method == HttpMethod.GET || method == HttpMethod.HEAD || ctx.normalizedPath().startsWith("/eventbus/")) {
                presented = ctx.request().getParam("access_token");
            }
        }
        if (presented != null && MessageDigest.isEqual(digest(presented), expected)) {
            ctx.next();
            return;
        }
        onRefusal.run();
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"modaweave\"");
        HttpError.send(ctx, 401, "unauthorized", presented == null
                ? "this server requires a bearer token: send 'Authorization: Bearer <token>'"
                : "the bearer token is wrong");
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
