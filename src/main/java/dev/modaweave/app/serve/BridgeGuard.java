package dev.modaweave.app.serve;

import dev.modaweave.agent.Session;
import dev.modaweave.tools.EventBusAddresses;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules of the SockJS event-bus bridge, deny by default. Inbound, a client may only send to
 * {@code modaweave.agent} (no publish), and only for a session it owns; outbound, it may only register
 * for {@code modaweave.session.<id>} of a session it owns. Refusals by these ownership rules reach the
 * client as an {@code err} frame with body {@code rejected}, refusals by the address lists with
 * {@code access_denied}. A socket owns a session by being the first
 * to use its id (sending a turn for it or registering for its events); sessions of the HTTP API and of
 * other sockets are refused. Everything else (tool addresses, the dispatcher, announcements) is refused
 * by the bridge's permitted-address lists.
 */
final class BridgeGuard implements Handler<BridgeEvent> {

    private static final String SESSION_PREFIX = EventBusAddresses.session("");

    private final SessionOwners owners;
    private final Map<SockJSSocket, String> sockets = new ConcurrentHashMap<>();

    BridgeGuard(SessionOwners owners) {
        this.owners = owners;
    }

    /** The permitted addresses: inbound the agent API, outbound the session addresses (narrowed per socket here). */
    static SockJSBridgeOptions options() {
        return new SockJSBridgeOptions()
                .addInboundPermitted(new PermittedOptions().setAddress(EventBusAddresses.AGENT))
                .addOutboundPermitted(new PermittedOptions().setAddressRegex(java.util.regex.Pattern.quote(SESSION_PREFIX) + "[A-Za-z0-9_.-]{1,128}"))
                .setMaxAddressLength(200)
                .setMaxHandlersPerSocket(32);
    }

    @Override
    public void handle(BridgeEvent event) {
        switch (event.type()) {
            case SOCKET_CREATED -> {
                sockets.put(event.socket(), UUID.randomUUID().toString());
                event.complete(true);
            }
            case SOCKET_CLOSED -> {
                sockets.remove(event.socket());
                event.complete(true);
            }
            // Other addresses pass this hook and are refused by the permitted lists ("access_denied").
            case SEND -> event.complete(!EventBusAddresses.AGENT.equals(address(event)) || claim(event, sessionOf(event)));
            case PUBLISH -> event.complete(!EventBusAddresses.AGENT.equals(address(event)));
            case REGISTER -> {
                String address = address(event);
                event.complete(address == null || !address.startsWith(SESSION_PREFIX)
                        || claim(event, address.substring(SESSION_PREFIX.length())));
            }
            default -> event.complete(true);
        }
    }

    private boolean claim(BridgeEvent event, String sessionId) {
        String socket = sockets.get(event.socket());
        return socket != null && sessionId != null && Session.ID.matcher(sessionId).matches() && owners.claim(sessionId, socket);
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
