package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dispatcher turn's graph: its jobs by call id, the dependency edges their {@code {"$ref": id}}
 * arguments make, the artifacts of earlier turns it may refer to, and how many jobs are still open.
 * It resolves references to artifact ids. An open turn ({@code keepOpen}) takes more calls until it is
 * closed; it ends when it is closed and its last job has ended. Confined to the dispatcher's context.
 */
final class DispatchTurn {

    /** Stands in for an artifact that does not exist yet while a call is routed. */
    static final String PLACEHOLDER_ARTIFACT = "art_" + "a".repeat(26);

    final String requestId;
    final String turnId;
    final String events;
    final Message<JsonObject> awaitMessage;
    final Map<String, DispatchJob> jobs = new LinkedHashMap<>();
    final Map<String, Modality> known = new HashMap<>();
    int open;
    boolean keepOpen;

    DispatchTurn(String requestId, String turnId, String events, Message<JsonObject> awaitMessage, boolean keepOpen) {
        this.requestId = requestId;
        this.turnId = turnId;
        this.events = events;
        this.awaitMessage = awaitMessage;
        this.keepOpen = keepOpen;
    }

    /** Adds the call as a pending job. */
    DispatchJob add(MetaResponse call) {
        DispatchJob job = new DispatchJob(this, call);
        jobs.put(call.id(), job);
        open++;
        return job;
    }

    /** Makes the job wait for every job of this turn it refers to that has no artifact yet. */
    void link(DispatchJob job) {
        for (String ref : job.call.references()) {
            DispatchJob dep = jobs.get(ref);
            if (dep != null && dep.state != JobState.COMPLETED) {
                job.waitingOn.add(ref);
                dep.dependents.add(job);
            }
        }
    }

    /** Whether the turn has ended: closed, and no job still open. */
    boolean isOver() {
        return open <= 0 && !keepOpen;
    }

    /** Every job's outcome, in the order the calls came. */
    JsonArray outcomes() {
        JsonArray outcomes = new JsonArray();
        jobs.values().forEach(j -> outcomes.add(j.outcome(j.state.wireName())));
        return outcomes;
    }

    /** The job's arguments with every {@code $ref} replaced by its artifact id; the call's own when it has none. */
    ObjectNode arguments(DispatchJob job) {
        return substitute(job.call, false);
    }

    /** The call's arguments for routing before it runs: a reference to a call without an artifact yet becomes a stand-in id. */
    ObjectNode argumentsForRouting(MetaResponse call) {
        return substitute(call, true);
    }

    /** The job's arguments with the references to calls that already have their artifact resolved, the others kept. */
    ObjectNode argumentsSoFar(DispatchJob job) {
        ObjectNode args = job.call.args().deepCopy();
        resolveDone(args);
        return args;
    }

    private ObjectNode substitute(MetaResponse call, boolean placeholders) {
        if (call.references().isEmpty()) {
            return call.args();
        }
        ObjectNode args = call.args().deepCopy();
        replaceRefs(args, placeholders);
        return args;
    }

    private void replaceRefs(JsonNode node, boolean placeholders) {
        if (node instanceof ObjectNode obj) {
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = obj.get(name);
                if (MetaResponse.isReference(value)) {
                    obj.put(name, resolve(value.get(MetaResponse.REF).asText(), placeholders));
                } else {
                    replaceRefs(value, placeholders);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (MetaResponse.isReference(array.get(i))) {
                    array.set(i, Json.MAPPER.getNodeFactory().textNode(resolve(array.get(i).get(MetaResponse.REF).asText(), placeholders)));
                } else {
                    replaceRefs(array.get(i), placeholders);
                }
            }
        }
    }

    private void resolveDone(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = obj.get(name);
                DispatchJob dep = MetaResponse.isReference(value) ? jobs.get(value.get(MetaResponse.REF).asText()) : null;
                if (dep != null && dep.artifactId != null) {
                    obj.put(name, dep.artifactId);
                } else if (!MetaResponse.isReference(value)) {
                    resolveDone(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(this::resolveDone);
        }
    }

    /** A reference's artifact id: the artifact of the call it names, or the reference itself (an earlier turn's artifact). */
    private String resolve(String ref, boolean placeholders) {
        DispatchJob dep = jobs.get(ref);
        if (dep == null) {
            return ref;
        }
        return dep.artifactId != null || !placeholders ? dep.artifactId : PLACEHOLDER_ARTIFACT;
    }
}
