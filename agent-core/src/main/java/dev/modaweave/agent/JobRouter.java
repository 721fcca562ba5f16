package dev.modaweave.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The dispatcher's routing policy: the tool a call names, or among the tools of its task (previews as
 * the {@link RoutingCatalog} says) the available ones whose schema accepts the arguments, then the
 * highest {@link ToolDescriptor#priority()}, then the least load. Load is what the tool's workers last
 * announced per slot plus this dispatcher's own jobs routed to the tool and not yet ended, so calls
 * routed together spread over equal tools. Confined to the dispatcher's context.
 */
final class JobRouter {

    /** Where a call goes: a tool, or why none can take it (an error object). */
    record Route(String tool, JsonObject error) {
    }

    private final ToolRegistry registry;
    private final RoutingCatalog routing;
    private final MetaResponseValidator validator;
    private final Map<String, Integer> ownLoad = new HashMap<>();

    JobRouter(ToolRegistry registry, RoutingCatalog routing, MetaResponseValidator validator) {
        this.registry = registry;
        this.routing = routing;
        this.validator = validator;
    }

    Route route(MetaResponse call, ObjectNode args) {
        List<ToolDescriptor> candidates = call.tool() != null
                ? routing.byName(call.tool()).stream().toList()
                : routing.byTask(call.task());
        ToolDescriptor best = null;
        double bestLoad = Double.MAX_VALUE;
        List<String> unavailable = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (ToolDescriptor d : candidates) {
            ToolRegistry.Availability a = registry.availability(d.name());
            if (a != ToolRegistry.Availability.AVAILABLE) {
                unavailable.add(d.name() + " (" + a.name().toLowerCase(Locale.ROOT) + ")");
                continue;
            }
            // a named tool's schema was checked when the call was validated; a task's candidates are told apart here
            List<ArgumentsSchema.Violation> violations = call.tool() != null ? List.of() : validator.violations(d, args);
            if (!violations.isEmpty()) {
                refusals.add(d.name() + ": " + violations.stream().map(Object::toString).collect(Collectors.joining("; ")));
                continue;
            }
            if (best != null && d.priority() < best.priority()) {
                continue;
            }
            double load = registry.load(d.name()) + (double) ownLoad.getOrDefault(d.name(), 0) / d.capacity();
            if (best == null || d.priority() > best.priority() || load < bestLoad) {
                best = d;
                bestLoad = load;
            }
        }
        if (best != null) {
            return new Route(best.name(), null);
        }
        String what = call.tool() != null ? "tool '" + call.tool() + "'" : "task '" + call.task() + "'";
        if (!refusals.isEmpty()) {
            return new Route(null, Dispatcher.error("invalid_arguments", "no available tool accepts the arguments of "
                    + what + ": " + String.join(" | ", refusals), false));
        }
        return new Route(null, Dispatcher.error("unavailable", "no tool can serve " + what + " right now: "
                + (unavailable.isEmpty() ? "none is registered" : String.join(", ", unavailable))
                + "; try again later", true));
    }

    /** Routes the job (unless it keeps a tool that is still available) and counts it on its tool until {@link #release}. */
    Route assign(DispatchJob job, ObjectNode args) {
        if (job.tool != null && registry.isAvailable(job.tool) && job.reserved) {
            return new Route(job.tool, null);
        }
        Route route = route(job.call, args);
        if (route.tool() != null) {
            release(job);
            job.tool = route.tool();
            job.reserved = true;
            ownLoad.merge(job.tool, 1, Integer::sum);
        }
        return route;
    }

    /** The job no longer counts on its tool (it ended, or moves to another). */
    void release(DispatchJob job) {
        if (job.reserved) {
            job.reserved = false;
            ownLoad.merge(job.tool, -1, Integer::sum);
        }
    }
}
