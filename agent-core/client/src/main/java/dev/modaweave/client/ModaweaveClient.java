package dev.modaweave.client;

import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.tools.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Java app's connection to a running Modaweave agent over the Vert.x event bus. {@link #join}
 * joins the agent's Hazelcast cluster with the settings the nodes themselves use ({@link Clustering}:
 * the cluster name, TCP-IP members, no multicast); {@link #embedded} uses a Vert.x instance the app
 * already has (the same process as the agent, or already clustered). {@link #send} runs a turn: the
 * listener gets each {@link TurnEvent} in order, the future the {@link TurnResult}. {@link #artifact}
 * fetches an artifact's bytes. When nothing on the cluster answers the agent's address the future
 * fails with a {@link ModaweaveClientException} of code {@code no_agent} that says so.
 *
 * <pre>{@code
 * ModaweaveClient client = ModaweaveClient.join(ClusterSettings.loopback().withPort(0)).await();
 * TurnResult turn = client.send("demo", "Paint a lighthouse in a storm", e -> System.out.println(e.type())).await();
 * }</pre>
 *
 * <p>Listeners run on a Vert.x event-loop thread: keep them short and non-blocking. {@code await()}
 * on the returned futures is for threads that are not Vert.x's.
 */
public final class ModaweaveClient implements AutoCloseable {

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String where;
    private final Duration requestTimeout;
    private final Duration turnTimeout;
    private final java.util.Set<TurnCollector> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ModaweaveClient(Vertx vertx, boolean ownsVertx, String where, Duration requestTimeout, Duration turnTimeout) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.where = where;
        this.requestTimeout = requestTimeout;
        this.turnTimeout = turnTimeout;
    }

    /**
     * Joins the agent's cluster as a member (with {@code settings.port()} 0 the first free port from
     * 5701 is taken) and answers the client once the node is up. Closing the client leaves the cluster.
     */
    public static Future<ModaweaveClient> join(ClusterSettings settings) {
        Objects.requireNonNull(settings, "settings");
        String where = "cluster '" + settings.clusterName() + "' (members " + String.join(", ", settings.members()) + ")";
        return Clustering.start(settings, Clustering.clusterManager(settings))
                .map(vertx -> new ModaweaveClient(vertx, true, where, Duration.ofSeconds(30), Duration.ofMinutes(30)));
    }

    /** A client on a Vert.x instance the app owns (closing the client leaves it running). */
    public static ModaweaveClient embedded(Vertx vertx) {
        return new ModaweaveClient(Objects.requireNonNull(vertx, "vertx"), false,
                vertx.isClustered() ? "this Vert.x cluster" : "this Vert.x instance (not clustered)",
                Duration.ofSeconds(30), Duration.ofMinutes(30));
    }

    /**
     * This client with other time limits: {@code request} for the agent's answer to a request (default
     * 30 s), {@code turn} for a whole turn (default 30 min), after which its future fails with code
     * {@code timeout}.
     */
    public ModaweaveClient withTimeouts(Duration request, Duration turn) {
        if (request.isNegative() || request.isZero() || turn.isNegative() || turn.isZero()) {
            throw new IllegalArgumentException("time limits must be positive; got " + request + " and " + turn);
        }
        return new ModaweaveClient(vertx, ownsVertx, where, request, turn);
    }

    /** The Vert.x instance the client speaks through. */
    public Vertx vertx() {
        return vertx;
    }

    /** Sends a text-only turn in session {@code sessionId}; see {@link #send(String, String, List, Consumer)}. */
    public Future<TurnResult> send(String sessionId, String text) {
        return send(sessionId, text, List.of(), event -> { });
    }

    /** Sends a text-only turn; the listener gets every event; see {@link #send(String, String, List, Consumer)}. */
    public Future<TurnResult> send(String sessionId, String text, Consumer<TurnEvent> listener) {
        return send(sessionId, text, List.of(), listener);
    }

    /**
     * Runs one turn: subscribes to the session's events, sends the message to the agent, hands each of
     * the turn's events to {@code listener} in order, and completes with the result after the last one.
     *
     * @param sessionId 1-128 letters, digits, '_', '-' or '.'; one turn runs at a time per session
     * @param text      the user's message
     * @param media     ids of artifacts sent with it (uploaded earlier)
     * @param listener  called on an event loop for every event of the turn
     * @return the turn's result; failed with {@link ModaweaveClientException} ({@code no_agent}, {@code refused},
     *         {@code timeout}, {@code closed}) when the turn could not run
     */
    public Future<TurnResult> send(String sessionId, String text, List<String> media, Consumer<TurnEvent> listener) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            return Future.failedFuture(new ModaweaveClientException("closed", "the client is closed"));
        }
        JsonObject request = new JsonObject().put("sessionId", sessionId)
                .put("message", new JsonObject().put("text", text == null ? "" : text).put("media", new JsonArray(List.copyOf(media))));
        TurnCollector turn = new TurnCollector(sessionId, listener);
        running.add(turn);
        turn.result.future().onComplete(done -> running.remove(turn));
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(EventBusAddresses.session(sessionId), turn::onEvent);
        turn.consumer = consumer;
        return consumer.completion()
                .compose(ready -> vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT, request,
                        new DeliveryOptions().setSendTimeout(requestTimeout.toMillis())))
                .recover(e -> Future.failedFuture(translate(e, "the agent")))
                .compose(reply -> turn.accepted(reply.body()))
                .onFailure(turn::fail);
    }

    /** Cancels the session's running turn; completes with whether one was running. */
    public Future<Boolean> cancel(String sessionId) {
        return vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT,
                        new JsonObject().put("action", "cancel").put("sessionId", sessionId),
                        new DeliveryOptions().setSendTimeout(requestTimeout.toMillis()))
                .recover(e -> Future.failedFuture(translate(e, "the agent")))
                .map(reply -> reply.body().getBoolean("cancelled", false));
    }

    /**
     * Fetches all bytes of an artifact from a node that holds the store ({@code serve} answers
     * {@code modaweave.artifacts.read}), in chunks of at most 4 MiB.
     *
     * @return the bytes; failed with code {@code not_found} for an unknown id, {@code no_agent} when no node answers
     */
    public Future<ArtifactBytes> artifact(String id) {
        Objects.requireNonNull(id, "id");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return readFrom(id, 0, bytes);
    }

    private Future<ArtifactBytes> readFrom(String id, long offset, ByteArrayOutputStream bytes) {
        return vertx.eventBus().<Buffer>request(EventBusAddresses.ARTIFACT_READ, new JsonObject().put("id", id).put("offset", offset),
                        new DeliveryOptions().setSendTimeout(requestTimeout.toMillis()))
                .recover(e -> Future.failedFuture(translate(e, "the artifact store")))
                .compose(reply -> {
                    Buffer chunk = reply.body();
                    long size = Long.parseLong(reply.headers().get("size"));
                    bytes.writeBytes(chunk.getBytes());
                    long next = offset + chunk.length();
                    if (next >= size || chunk.length() == 0) {
                        return Future.succeededFuture(new ArtifactBytes(id, reply.headers().get("mimeType"), bytes.toByteArray()));
                    }
                    return readFrom(id, next, bytes);
                });
    }

    private ModaweaveClientException translate(Throwable e, String what) {
        if (e instanceof ModaweaveClientException c) {
            return c;
        }
        if (e instanceof ReplyException r) {
            if (r.failureType() == ReplyFailure.NO_HANDLERS) {
                String address = what.equals("the agent") ? EventBusAddresses.AGENT : EventBusAddresses.ARTIFACT_READ;
                return new ModaweaveClientException("no_agent", "no Modaweave agent answers on " + where + ": nothing serves '"
                        + address + "'. Start 'modaweave serve --cluster' (or a node with the agent's event-bus API), and check that "
                        + "this client joins the same cluster: same cluster name, a reachable member in the list, an interface "
                        + "the other nodes can reach", e);
            }
            if (r.failureType() == ReplyFailure.TIMEOUT) {
                return new ModaweaveClientException("timeout", what + " did not answer within " + requestTimeout.toMillis() + " ms", e);
            }
            if (r.failureCode() == 404) {
                return new ModaweaveClientException("not_found", r.getMessage(), e);
            }
            return new ModaweaveClientException("refused", what + " refused the request: " + r.getMessage(), e);
        }
        return new ModaweaveClientException("failed", what + ": " + e.getMessage(), e);
    }

    /** Leaves the cluster (when {@link #join} started this client's Vert.x); turns still running fail with {@code closed}. */
    public Future<Void> closeAsync() {
        closed = true;
        List.copyOf(running).forEach(turn -> turn.fail(new ModaweaveClientException("closed", "the client was closed during the turn")));
        return ownsVertx ? vertx.close() : Future.succeededFuture();
    }

    /** As {@link #closeAsync()}, waiting up to 30 s; not on a Vert.x thread. */
    @Override
    public void close() {
        try {
            closeAsync().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ModaweaveClientException("failed", "the client did not close within 30 s: " + e.getMessage(), e);
        }
    }

    /**
     * Collects one turn's events: those that arrive before the agent's reply wait until the turn's id is
     * known. The events and the reply may arrive on different event loops, hence the lock.
     */
    private final class TurnCollector {
        private final String sessionId;
        private final Consumer<TurnEvent> listener;
        private final Promise<TurnResult> result = Promise.promise();
        private final List<JsonObject> early = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private final List<TurnEvent.ArtifactReady> artifacts = new ArrayList<>();
        private final List<TurnEvent.CallFailed> failures = new ArrayList<>();
        private final List<TurnEvent.CallRejected> rejected = new ArrayList<>();
        private MessageConsumer<JsonObject> consumer;
        private String turnId;
        private long timer = -1;

        TurnCollector(String sessionId, Consumer<TurnEvent> listener) {
            this.sessionId = sessionId;
            this.listener = listener;
        }

        synchronized Future<TurnResult> accepted(JsonObject reply) {
            if (reply == null || !reply.getBoolean("accepted", false)) {
                JsonObject error = reply == null ? new JsonObject() : reply.getJsonObject("error", new JsonObject());
                return Future.failedFuture(new ModaweaveClientException("refused", "the agent refused the turn ("
                        + error.getString("code", "unknown") + "): " + error.getString("message", "no reason given")));
            }
            turnId = reply.getString("turnId");
            timer = vertx.setTimer(turnTimeout.toMillis(), t -> fail(new ModaweaveClientException("timeout",
                    "turn " + turnId + " did not end within " + turnTimeout.toSeconds() + " s")));
            List<JsonObject> waiting = List.copyOf(early);
            early.clear();
            waiting.forEach(this::handle);
            return result.future();
        }

        synchronized void onEvent(Message<JsonObject> message) {
            JsonObject event = message.body();
            if (event == null || result.future().isComplete()) {
                return;
            }
            if (turnId == null) {
                early.add(event);
            } else {
                handle(event);
            }
        }

        private void handle(JsonObject json) {
            if (!turnId.equals(json.getString("turnId")) || result.future().isComplete()) {
                return;
            }
            TurnEvent event = TurnEvent.of(json);
            if (event instanceof TurnEvent.Text t) {
                text.append(t.text());
            } else if (event instanceof TurnEvent.ArtifactReady a) {
                artifacts.add(a);
            } else if (event instanceof TurnEvent.CallFailed f) {
                failures.add(f);
            } else if (event instanceof TurnEvent.CallRejected r) {
                rejected.add(r);
            }
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                fail(new ModaweaveClientException("failed", "the turn's listener threw " + e, e));
                return;
            }
            if (event instanceof TurnEvent.TurnDone || event instanceof TurnEvent.TurnFailed) {
                String whole = event instanceof TurnEvent.TurnDone d ? d.text() : ((TurnEvent.TurnFailed) event).text();
                vertx.cancelTimer(timer);
                consumer.unregister();
                result.tryComplete(new TurnResult(sessionId, turnId, whole.isEmpty() ? text.toString() : whole,
                        artifacts, failures, rejected, event));
            }
        }

        synchronized void fail(Throwable e) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            consumer.unregister();
            result.tryFail(e);
        }
    }
}
