package dev.modaweave.agent;

import dev.modaweave.tools.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The agent's event-bus API on {@link EventBusAddresses#AGENT}.
 *
 * <p>Request {@code {"sessionId":…,"message":{"text":…,"media":["art_…"]}}}; the reply is
 * {@code {"accepted":true,"sessionId":…,"turnId":…,"events":"modaweave.session.<sessionId>"}} or
 * {@code {"accepted":false,"error":{"code":…,"message":…}}}. The turn's events are then published,
 * in order and numbered by {@code seq}, on {@code modaweave.session.<sessionId>}: subscribe to it
 * before sending the request. {@code {"action":"cancel","sessionId":…}} cancels the running turn.
 *
 * <p>{@link #drain()} is the first half of a graceful stop: from then on a turn request is refused with
 * code {@code shutting_down} (cancel requests are still answered), and the returned future completes once
 * every turn this API started has published its last event.
 */
public final class AgentVerticle extends VerticleBase {

    private final Agent agent;
    private MessageConsumer<JsonObject> consumer;
    /** The last-event futures of the turns this API started and that have not ended; safe from any thread. */
    private final java.util.Set<Future<JsonObject>> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    public AgentVerticle(Agent agent) {
        this.agent = Objects.requireNonNull(agent, "agent");
    }

    @Override
    public Future<?> start() {
        return agent.start().compose(a -> {
            consumer = vertx.eventBus().consumer(EventBusAddresses.AGENT, this::onRequest);
            return consumer.completion();
        });
    }

    @Override
    public Future<?> stop() {
        return Future.all(consumer == null ? Future.succeededFuture() : consumer.unregister(), agent.close());
    }

    /**
     * Stops taking turns (a turn request is then answered {@code {"accepted":false,"error":{"code":
     * "shutting_down",…}}}) and completes when every turn this API started has ended. Safe to call from
     * any thread and more than once.
     */
    public Future<Void> drain() {
        draining = true;
        io.vertx.core.Promise<Void> all = io.vertx.core.Promise.promise();
        context.runOnContext(v -> Future.join(new ArrayList<>(running)).onComplete(ar -> all.complete()));
        return all.future();
    }

    /** Turns this API started that have not ended yet. */
    public int runningTurns() {
        return running.size();
    }

    private void onRequest(Message<JsonObject> message) {
        JsonObject body = message.body();
        if (body == null) {
            message.reply(refusal("bad_request", "a request is a JSON object {sessionId, message:{text, media}}"));
            return;
        }
        Object rawSession = body.getValue("sessionId");
        if (!(rawSession instanceof String sessionId) || !Session.ID.matcher(sessionId).matches()) {
            message.reply(refusal("bad_request", "sessionId must be a string of 1-128 letters, digits, '_', '-' or '.'"));
            return;
        }
        String action = body.getValue("action") instanceof String a ? a : "turn";
        if (action.equals("cancel")) {
            agent.cancel(sessionId, body.getString("reason")).onComplete(ar ->
                    message.reply(new JsonObject().put("sessionId", sessionId).put("cancelled", ar.succeeded() && ar.result())));
            return;
        }
        if (!action.equals("turn")) {
            message.reply(refusal("bad_request", "unknown action '" + action + "'; use turn (the default) or cancel"));
            return;
        }
        UserInput input;
        try {
            input = input(body.getValue("message"));
        } catch (IllegalArgumentException | ClassCastException e) {
            message.reply(refusal("bad_request", e.getMessage()));
            return;
        }
        if (draining) {
            message.reply(refusal("shutting_down", "this node is shutting down and takes no new turns; try another node"));
            return;
        }
        String turnId = Agent.newTurnId();
        String address = EventBusAddresses.session(sessionId);
        agent.startTurn(sessionId, turnId, input, event -> vertx.eventBus().publish(address, event)).onComplete(ar -> {
            if (ar.failed()) {
                String code = ar.cause() instanceof IllegalStateException ? "session_busy" : "bad_request";
                message.reply(refusal(code, ar.cause().getMessage()));
            } else {
                Future<JsonObject> last = ar.result();
                running.add(last);
                last.onComplete(done -> running.remove(last));
                message.reply(new JsonObject().put("accepted", true).put("sessionId", sessionId).put("turnId", turnId).put("events", address));
            }
        });
    }

    private static UserInput input(Object raw) {
        if (!(raw instanceof JsonObject m)) {
            throw new IllegalArgumentException("message must be an object {text, media}");
        }
        Object text = m.getValue("text");
        if (text != null && !(text instanceof String)) {
            throw new IllegalArgumentException("message.text must be a string");
        }
        Object media = m.getValue("media");
        List<String> ids = new ArrayList<>();
        if (media != null) {
            if (!(media instanceof JsonArray array)) {
                throw new IllegalArgumentException("message.media must be an array of artifact ids");
            }
            for (Object id : array) {
                if (!(id instanceof String s)) {
                    throw new IllegalArgumentException("message.media must hold artifact ids (strings)");
                }
                ids.add(s);
            }
        }
        return new UserInput((String) text, ids);
    }

    private static JsonObject refusal(String code, String message) {
        return new JsonObject().put("accepted", false).put("error", new JsonObject().put("code", code).put("message", message));
    }
}
