package dev.modaweave.app.serve;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's fixed endpoints, each a path (segments starting with {@code :} match any one segment)
 * and the methods it answers. Routes are added through {@link #add} so that the fallback knows them:
 * a request for a known path with another method gets {@code 405} with an {@code Allow} header, a
 * request for an unknown path {@code 404}, both with the server's JSON error body.
 */
final class Endpoints {

    private final Router router;
    private final Map<String, Set<HttpMethod>> methodsByPath = new LinkedHashMap<>();

    Endpoints(Router router) {
        this.router = router;
    }

    /** Adds a route for {@code path} answering {@code methods}, and remembers them for {@code 405} answers. */
    Route add(String path, HttpMethod... methods) {
        Route route = router.route(path);
        for (HttpMethod method : methods) {
            route.method(method);
        }
        methodsByPath.computeIfAbsent(path, p -> new LinkedHashSet<>()).addAll(Arrays.asList(methods));
        return route;
    }

    /** The methods a known path answers, empty when no endpoint has this path. */
    Set<HttpMethod> allowed(String path) {
        Set<HttpMethod> allowed = new LinkedHashSet<>();
        if (path == null) {
            return allowed;
        }
        String[] segments = path.split("/", -1);
        methodsByPath.forEach((template, methods) -> {
            if (matches(template.split("/", -1), segments)) {
                allowed.addAll(methods);
            }
        });
        return allowed;
    }

    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean parameter = template[i].startsWith(":") && !segments[i].isEmpty();
            if (!parameter && !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** The fallback for a request no route answered: {@code 405} with {@code Allow} for a known path, else {@code 404}. */
    void notAnswered(RoutingContext ctx, String what) {
        String path = ctx.normalizedPath();
        Set<HttpMethod> allowed = allowed(path);
        if (allowed.isEmpty()) {
            HttpError.send(ctx, 404, "not_found", "no such " + what + ": " + ctx.request().method() + " " + path);
            return;
        }
        List<String> names = new ArrayList<>();
        allowed.forEach(m -> names.add(m.name()));
        String allow = String.join(", ", names);
        ctx.response().putHeader("Allow", allow);
        HttpError.send(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on " + path
                + "; use " + String.join(" or ", names));
    }
}
