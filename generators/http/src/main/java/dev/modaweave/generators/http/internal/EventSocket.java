package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A websocket a backend pushes JSON events over (ComfyUI's step progress). Text messages are
 * parsed and handed to the consumer; binary messages (previews) and malformed JSON are skipped.
 * Events only add detail: the tool never depends on them, so a socket that fails or closes is
 * simply silent. Closing aborts the connection.
 */
public final class EventSocket implements AutoCloseable {

    private static final EventSocket NONE = new EventSocket(null);

    private final WebSocket socket;

    EventSocket(WebSocket socket) {
        this.socket = socket;
    }

    /** A socket that never delivers anything: for when none is wanted or none could be opened. */
    public static EventSocket none() {
        return NONE;
    }

    /** Whether a connection was made. */
    public boolean isOpen() {
        return socket != null && !socket.isInputClosed();
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }

    /** Collects text frames into messages of at most {@code maxChars} and parses them. */
    static final class Listener implements WebSocket.Listener {
        private final Consumer<JsonNode> events;
        private final int maxChars;
        private final StringBuilder message = new StringBuilder();
        private boolean tooLong;

        Listener(Consumer<JsonNode> events, int maxChars) {
            this.events = events;
            this.maxChars = maxChars;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!tooLong && message.length() + data.length() <= maxChars) {
                message.append(data);
            } else {
                tooLong = true;
            }
            if (last) {
                if (!tooLong) {
                    deliver(message.toString());
                }
                message.setLength(0);
                tooLong = false;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        private void deliver(String text) {
            JsonNode event;
            try {
                event = BackendJson.MAPPER.readTree(text);
            } catch (Exception e) {
                return;
            }
            try {
                events.accept(event);
            } catch (RuntimeException ignored) {
                // a failing consumer must not end the socket's delivery
            }
        }
    }
}
