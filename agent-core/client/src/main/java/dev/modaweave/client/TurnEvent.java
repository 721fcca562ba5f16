package dev.modaweave.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One event of a turn, typed: the agent's event-bus events ({@code text}, {@code call_accepted},
 * {@code progress}, {@code artifact}, {@code call_failed}, {@code call_rejected}, {@code turn_done},
 * {@code turn_failed}) as records; {@link Other} keeps a type this client does not know. Every event
 * keeps its JSON in {@link #raw()}. Call events carry {@code at}, the offset in the turn's visible
 * text where the call stood, or -1 when the agent did not send it.
 */
public sealed interface TurnEvent {

    /** The event as the agent sent it. */
    JsonObject raw();

    /** The event's {@code type}. */
    default String type() {
        return raw().getString("type");
    }

    /** The session-wide sequence number of the event. */
    default long seq() {
        return raw().getLong("seq", -1L);
    }

    /** The next piece of the answer's text. */
    record Text(String text, JsonObject raw) implements TurnEvent {
    }

    /** A call passed validation and was dispatched. */
    record CallAccepted(String callId, String task, String tool, int at, JsonObject raw) implements TurnEvent {
    }

    /** A running call's progress, 0 to 1. */
    record Progress(String callId, double fraction, String message, JsonObject raw) implements TurnEvent {
    }

    /** A call's artifact exists; fetch its bytes with {@link ModaweaveClient#artifact(String)}. */
    record ArtifactReady(String callId, String artifactId, String mimeType, String modality, String tool, int at,
                         JsonObject raw) implements TurnEvent {
    }

    /** A call failed; {@code code} says why ({@code timeout}, {@code unavailable}, {@code no_worker}…). */
    record CallFailed(String callId, String code, String message, boolean retriable, int at, JsonObject raw) implements TurnEvent {
    }

    /** A meta-response was refused before anything ran (unknown tool, invalid arguments, unreadable block). */
    record CallRejected(String callId, String reason, JsonObject raw) implements TurnEvent {
    }

    /** The turn ended: its whole visible text and the ids of its artifacts. The last event. */
    record TurnDone(String text, List<String> artifacts, JsonObject raw) implements TurnEvent {
    }

    /** The turn ended early ({@code llm_failed}, {@code cancelled}…). The last event. */
    record TurnFailed(String code, String message, String text, List<String> artifacts, JsonObject raw) implements TurnEvent {
    }

    /** An event of a type this client does not know. */
    record Other(JsonObject raw) implements TurnEvent {
    }

    /** Types the agent's JSON event. */
    static TurnEvent of(JsonObject e) {
        Objects.requireNonNull(e, "event");
        String type = String.valueOf(e.getValue("type"));
        return switch (type) {
            case "text" -> new Text(e.getString("text", ""), e);
            case "call_accepted" -> new CallAccepted(e.getString("callId"), e.getString("task"), e.getString("tool"), at(e), e);
            case "progress" -> new Progress(e.getString("callId"), e.getDouble("fraction", 0.0), e.getString("message", ""), e);
            case "artifact" -> new ArtifactReady(e.getString("callId"), e.getString("id"), e.getString("mimeType"),
                    e.getString("modality"), e.getString("tool"), at(e), e);
            case "call_failed" -> {
                JsonObject error = e.getJsonObject("error", new JsonObject());
                yield new CallFailed(e.getString("callId"), error.getString("code", "failed"), error.getString("message", ""),
                        error.getBoolean("retriable", false), at(e), e);
            }
            case "call_rejected" -> new CallRejected(e.getString("callId"), reason(e), e);
            case "turn_done" -> new TurnDone(e.getString("text", ""), ids(e.getJsonArray("artifacts")), e);
            case "turn_failed" -> {
                JsonObject error = e.getJsonObject("error", new JsonObject());
                yield new TurnFailed(error.getString("code", "failed"), error.getString("message", ""), e.getString("text", ""),
                        ids(e.getJsonArray("artifacts")), e);
            }
            default -> new Other(e);
        };
    }

    private static int at(JsonObject e) {
        return e.getValue("at") instanceof Number n ? n.intValue() : -1;
    }

    private static String reason(JsonObject e) {
        if (e.getValue("reason") instanceof String r) {
            return r;
        }
        JsonArray errors = e.getJsonArray("errors");
        if (errors == null || errors.isEmpty()) {
            return "";
        }
        List<String> messages = new ArrayList<>();
        for (Object o : errors) {
            if (o instanceof JsonObject err) {
                messages.add(err.getString("message", err.encode()));
            }
        }
        return String.join("; ", messages);
    }

    private static List<String> ids(JsonArray array) {
        List<String> ids = new ArrayList<>();
        if (array != null) {
            array.forEach(o -> ids.add(String.valueOf(o)));
        }
        return List.copyOf(ids);
    }
}
