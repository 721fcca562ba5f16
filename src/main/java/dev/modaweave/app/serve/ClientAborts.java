package dev.modaweave.app.serve;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that goes away in the middle of a response (a closed tab, a seek in a video, a dropped
 * WebSocket) is routine: it is logged at debug level in one line, never as an error with a stack trace.
 */
final class ClientAborts {

    private static final Logger LOG = LoggerFactory.getLogger(ClientAborts.class);

    private ClientAborts() {
    }

    static void log(RoutingContext ctx, Throwable e) {
        LOG.debug("{} {}: the client went away ({})", ctx.request().method(), ctx.normalizedPath(), e.getMessage());
    }
}
