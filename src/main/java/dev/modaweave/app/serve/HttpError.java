package dev.modaweave.app.serve;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request the server refuses, with the HTTP status and the error code of the JSON body
 * {@code {"error":{"code":…,"message":…}}}. Handlers throw it or pass it to {@code ctx.fail}; the
 * failure handler turns it, and anything else, into that body (never a stack trace).
 */
class HttpError extends RuntimeException {

    private static final Logger LOG = LoggerFactory.getLogger(HttpError.class);

    private final int status;
    private final String code;

    HttpError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Writes {@code {"error":{"code","message"}}} with {@code status}, unless the response has begun. */
    static void send(RoutingContext ctx, int status, String code, String message) {
        var response = ctx.response();
        if (response.headWritten()) {
            if (!response.ended()) {
                response.reset();
            }
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode());
    }

    /** The router's failure handler: every failure becomes a JSON error; unexpected ones a 500 without details. */
    static void handleFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpError e) {
            send(ctx, e.status(), e.code(), e.getMessage());
            return;
        }
        int status = ctx.statusCode();
        switch (status) {
            case 400 -> send(ctx, 400, "bad_request", "the request is malformed");
            case 401 -> send(ctx, 401, "unauthorized", "send 'Authorization: Bearer <token>'");
            case 403 -> send(ctx, 403, "forbidden", "this request is not allowed");
            case 404 -> send(ctx, 404, "not_found", "no such resource: " + ctx.request().method() + " " + ctx.normalizedPath());
            case 405 -> send(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.normalizedPath());
            case 413 -> send(ctx, 413, "payload_too_large", "the request body is larger than this endpoint accepts");
            case 415 -> send(ctx, 415, "unsupported_media_type", "the request's Content-Type is not accepted here");
            default -> {
                if (status >= 400 && status < 500) {
                    send(ctx, status, "bad_request", "the request was refused (HTTP " + status + ")");
                } else {
                    LOG.error("unexpected failure answering {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
                    send(ctx, 500, "internal_error", "the server failed to answer this request; the server log has the details");
                }
            }
        }
    }
}
