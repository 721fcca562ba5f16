package dev.modaweave.app.serve;

import dev.modaweave.agent.Session;
import dev.modaweave.tools.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The rules of the SockJS event-bus bridge, deny by default. Inbound, a client may only send to
 * {@code modaweave.agent} (no publish), and only for a session it owns; outbound, it may only register
 * for {@code modaweave.session.<id>} of a session it owns. A socket owns a session by being the first
 * to use its id (sending a turn for it or registering for its events); sessions of the HTTP API and of
 * other sockets are refused with an {@code err} frame {@code rejected}, a new session past the
 * socket's bound ({@code server.limits.sessionsPerSocket}) with an {@code err} frame
 * {@code too_many_sessions} followed by {@code rejected}. Everything else (tool addresses, the
 * dispatcher, announcements) is refused by the permitted-address lists ({@code access_denied}).
 *
 * <p>A request to {@code modaweave.agent} that passes is not handed to the agent's bus API: it is
 * redirected to this server's own address for bridge turns ({@link #turnsAddress()}), tagged with the
 * socket it came from, so that bridge turns take the same path as HTTP turns (refused while shutting
 * down, rate-limited, drained, cancelled when their socket closes) and their events are written
 * straight to the socket, each write with its own future.
 */
final class BridgeGuard implements Handler<BridgeEvent> {

    static final String SOCKET_HEADER = "modaweave-bridge-socket";
    private static final String SESSION_PREFIX = EventBusAddresses.session("");

    /** One open bridge socket: its id, the sessions it listens to and the sessions with a turn running. */
    static final class Client {
        final String id = UUID.randomUUID().toString();
        final SockJSSocket socket;
        final Set<String> listening = ConcurrentHashMap.newKeySet();
        final Set<String> running = ConcurrentHashMap.newKeySet();
        volatile boolean closed;

        Client(SockJSSocket socket) {
            this.socket = socket;
        }

        /** Writes {@code event} as a frame on the session's address if the socket listens to it; completes once written. */
        Future<Void> deliver(String sessionId, JsonObject event) {
            if (closed || !listening.contains(sessionId)) {
                return Future.succeededFuture();
            }
            return socket.write(Buffer.buffer(new JsonObject().put("type", "rec").put("address", EventBusAddresses.session(sessionId))
                    .put("body", event).encode()));
        }
    }

    private final SessionOwners owners;
    private final ServeMetrics metrics;
    private final Consumer<Client> onClosed;
    private final String turnsAddress = "modaweave.serve.bridge-turns." + UUID.randomUUID();
    private final Map<SockJSSocket, Client> sockets = new ConcurrentHashMap<>();
    private final Map<String, Client> byId = new ConcurrentHashMap<>();

    BridgeGuard(SessionOwners owners, ServeMetrics metrics, Consumer<Client> onClosed) {
        this.owners = owners;
        this.metrics = metrics;
        this.onClosed = onClosed;
    }

    /** The local address bridge turn requests are redirected to. */
    String turnsAddress() {
        return turnsAddress;
    }

    /** The permitted addresses: inbound the agent API, outbound the session addresses (narrowed per socket here). */
    SockJSBridgeOptions options() {
        return new SockJSBridgeOptions()
                .setInboundPermitteds(List.of(new PermittedOptions().setAddress(EventBusAddresses.AGENT),
                        new PermittedOptions().setAddress(turnsAddress)))
                .addOutboundPermitted(new PermittedOptions().setAddressRegex(java.util.regex.Pattern.quote(SESSION_PREFIX) + "[A-Za-z0-9_.-]{1,128}"))
                .setMaxAddressLength(200)
                .setMaxHandlersPerSocket(32);
    }

    /** The open socket of this id, or null. */
    Client client(String id) {
        return id == null ? null : byId.get(id);
    }

    /** Every open socket. */
    Collection<Client> clients() {
        return List.copyOf(sockets.values());
    }

    @Override
    public void handle(BridgeEvent event) {
        switch (event.type()) {
            case SOCKET_CREATED -> {
                Client client = new Client(event.socket());
                sockets.put(event.socket(), client);
                byId.put(client.id, client);
                event.complete(true);
            }
            case SOCKET_CLOSED -> {
                Client client = sockets.remove(event.socket());
                if (client != null) {
                    client.closed = true;
                    byId.remove(client.id);
                    owners.releaseAll(client.id);
                    onClosed.accept(client);
                }
                event.complete(true);
            }
            case SEND -> send(event);
            case PUBLISH -> {
                String address = address(event);
                event.complete(!EventBusAddresses.AGENT.equals(address) && !turnsAddress.equals(address));
            }
            case REGISTER -> {
                String address = address(event);
                if (address == null || !address.startsWith(SESSION_PREFIX)) {
                    event.complete(true);
                    return;
                }
                String sessionId = address.substring(SESSION_PREFIX.length());
                boolean owned = claim(event, sessionId);
                if (owned) {
                    sockets.get(event.socket()).listening.add(sessionId);
                }
                event.complete(owned);
            }
            case UNREGISTER -> {
                String address = address(event);
                Client client = sockets.get(event.socket());
                if (client != null && address != null && address.startsWith(SESSION_PREFIX)) {
                    String sessionId = address.substring(SESSION_PREFIX.length());
                    client.listening.remove(sessionId);
                    if (!client.running.contains(sessionId)) {
                        owners.release(sessionId, client.id);
                    }
                }
                event.complete(true);
            }
            default -> event.complete(true);
        }
    }

    private void send(BridgeEvent event) {
        String address = address(event);
        if (turnsAddress.equals(address)) {
            event.complete(false);
            return;
        }
        if (!EventBusAddresses.AGENT.equals(address)) {
            event.complete(true); // refused by the permitted lists ("access_denied") unless it answers a reply
            return;
        }
        Client client = sockets.get(event.socket());
        if (client == null || !claim(event, sessionOf(event))) {
            event.complete(false);
            return;
        }
        JsonObject raw = event.getRawMessage();
        raw.put("address", turnsAddress).put("headers", new JsonObject().put(SOCKET_HEADER, client.id));
        event.complete(true);
    }

    /** A turn of {@code client} in {@code sessionId} ended: the claim goes unless the socket still listens to the session. */
    void turnEnded(Client client, String sessionId) {
        client.running.remove(sessionId);
        if (!client.listening.contains(sessionId)) {
            owners.release(sessionId, client.id);
        }
    }

    private boolean claim(BridgeEvent event, String sessionId) {
        Client client = sockets.get(event.socket());
        if (client == null || sessionId == null || !Session.ID.matcher(sessionId).matches()) {
            return false;
        }
        return switch (owners.claim(sessionId, client.id)) {
            case OWNED -> true;
            case TAKEN -> {
                metrics.refused("bridge");
                yield false;
            }
            case LIMIT -> {
                metrics.refused("bridge");
                event.socket().write(Buffer.buffer(new JsonObject().put("type", "err").put("body", "too_many_sessions")
                        .put("message", "this socket already holds " + owners.perSocket() + " sessions (server.limits.sessionsPerSocket);"
                                + " unregister from a session whose turns are over, or open another socket").encode()));
                yield false;
            }
        };
    }

    private static String address(BridgeEvent event) {
        JsonObject raw = event.getRawMessage();
        return raw != null && raw.getValue("address") instanceof String a ? a : null;
    }

    private static String sessionOf(BridgeEvent event) {
        JsonObject raw = event.getRawMessage();
        if (raw != null && raw.getValue("body") instanceof JsonObject body && body.getValue("sessionId") instanceof String id) {
            return id;
        }
        return null;
    }
}
