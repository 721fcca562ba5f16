package dev.modaweave.app.serve;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.app.runtime.AgentRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-bus bridge under attack and at shutdown: session claims that cannot be evicted, turns
 * cancelled when their socket closes, and the one shutdown path (drained or cancelled with
 * {@code shutting_down}) for HTTP and bridge turns alike, each checked over a raw WebSocket.
 */
@Timeout(180)
class ServeBridgeTest {

    private final Vertx client = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() throws Exception {
        client.close().await(10, TimeUnit.SECONDS);
    }

    /** Holds the first {@code holds} LLM calls until the test releases them; later calls answer nothing. */
    static final class GateModel implements StreamingChatModel {
        final BlockingQueue<StreamingChatResponseHandler> held = new LinkedBlockingQueue<>();
        final java.util.concurrent.atomic.AtomicInteger holds;

        GateModel(int holds) {
            this.holds = new java.util.concurrent.atomic.AtomicInteger(holds);
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            if (holds.getAndDecrement() > 0) {
                held.add(handler);
            } else {
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("")).build());
            }
        }

        StreamingChatResponseHandler next() throws InterruptedException {
            StreamingChatResponseHandler h = held.poll(60, TimeUnit.SECONDS);
            assertThat(h).as("an LLM call within 60 s").isNotNull();
            return h;
        }

        static void answer(StreamingChatResponseHandler handler, String text) {
            handler.onPartialResponse(text);
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
        }
    }

    /** A raw WebSocket on the bridge with the frames it received. */
    final class Socket {
        /** Held for the socket's life: an unreachable client is cleaned up, and its connections with it. */
        final io.vertx.core.http.WebSocketClient wsClient = client.createWebSocketClient();
        final WebSocket ws;
        final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        Socket(int port) throws Exception {
            try {
                ws = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/eventbus/websocket")).await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("cannot open a bridge WebSocket on port " + port, e);
            }
            ws.handler(b -> frames.add(b.toJsonObject()));
            // the bridge closes a socket that sends no ping for 10 s, as vertx-eventbus.js does every 5 s
            long pings = client.setPeriodic(2_000, id -> ws.writeTextMessage("{\"type\":\"ping\"}"));
            ws.closeHandler(v -> {
                client.cancelTimer(pings);
                closed.complete(null);
            });
        }

        void send(JsonObject frame) throws Exception {
            ws.writeTextMessage(frame.encode()).await(10, TimeUnit.SECONDS);
        }

        void register(String sessionId) throws Exception {
            send(new JsonObject().put("type", "register").put("address", "modaweave.session." + sessionId));
        }

        void turn(String sessionId, String text, String replyAddress) throws Exception {
            JsonObject frame = new JsonObject().put("type", "send").put("address", "modaweave.agent")
                    .put("body", new JsonObject().put("sessionId", sessionId).put("message", new JsonObject().put("text", text)));
            if (replyAddress != null) {
                frame.put("replyAddress", replyAddress);
            }
            send(frame);
        }

        JsonObject next() throws InterruptedException {
            JsonObject frame = frames.poll(60, TimeUnit.SECONDS);
            assertThat(frame).as("a bridge frame within 60 s").isNotNull();
            return frame;
        }

        /** Frames up to and including the first that {@code last} accepts. */
        List<JsonObject> until(Predicate<JsonObject> last) throws InterruptedException {
            List<JsonObject> seen = new ArrayList<>();
            while (true) {
                JsonObject frame = frames.poll(60, TimeUnit.SECONDS);
                assertThat(frame).as("a matching bridge frame within 60 s; so far " + seen).isNotNull();
                seen.add(frame);
                if (last.test(frame)) {
                    return seen;
                }
            }
        }
    }

    static Predicate<JsonObject> lastEventOf(String sessionId) {
        return f -> ("modaweave.session." + sessionId).equals(f.getString("address")) && f.getValue("body") instanceof JsonObject b
                && ("turn_done".equals(b.getString("type")) || "turn_failed".equals(b.getString("type")));
    }

    static Predicate<JsonObject> replyTo(String address) {
        return f -> address.equals(f.getString("address"));
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what + " within 60 s").isTrue();
            Thread.sleep(10);
        }
    }

    static ModaweaveConfig.Server.Limits limits(int sessionsPerSocket, String bridgeDisconnect) {
        ModaweaveConfig.Server.Limits d = ModaweaveConfig.Server.Limits.DEFAULTS;
        return new ModaweaveConfig.Server.Limits(d.headerTimeout(), d.maxConnections(), d.maxConnectionsPerClient(), 0, 0,
                d.storeQuotaBytes(), sessionsPerSocket, bridgeDisconnect);
    }

    @Test
    void one_socket_cannot_reach_another_sockets_session_after_any_number_of_claims(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits(8, "cancel")), AgentRuntime.builder())) {
            Socket victim = new Socket(server.port());
            victim.register("victim");
            victim.turn("victim", "first words", "v1");
            victim.until(lastEventOf("victim"));

            Socket attacker = new Socket(server.port());
            for (int i = 0; i < 300; i++) {
                attacker.turn("fresh-" + i, "x", null);
            }
            attacker.send(new JsonObject().put("type", "register").put("address", "modaweave.tools.announce"));
            attacker.until(f -> "access_denied".equals(f.getString("body")));
            eventually("the attacker's turns are over", () -> server.turnsRunning() == 0);
            attacker.frames.clear();
            for (int i = 0; i < 7; i++) {
                attacker.register("held-" + i);
            }
            attacker.register("held-7");
            attacker.register("held-8");
            List<JsonObject> refusals = attacker.until(f -> "rejected".equals(f.getString("body")));
            assertThat(refusals).anySatisfy(f -> {
                assertThat(f.getString("body")).isEqualTo("too_many_sessions");
                assertThat(f.getString("message")).contains("server.limits.sessionsPerSocket");
            });
            attacker.register("victim");
            assertThat(attacker.until(f -> "err".equals(f.getString("type"))).get(0).getString("body")).isEqualTo("rejected");
            attacker.turn("victim", "mine now", "a1");
            assertThat(attacker.until(f -> "err".equals(f.getString("type")) || "a1".equals(f.getString("address"))))
                    .last().satisfies(f -> assertThat(f.getString("body")).isEqualTo("rejected"));

            victim.turn("victim", "still mine", "v2");
            List<JsonObject> frames = victim.until(lastEventOf("victim"));
            assertThat(frames).anySatisfy(f -> assertThat(f.getJsonObject("body").getBoolean("accepted", false)).isTrue());
            assertThat(frames).filteredOn(f -> "modaweave.session.victim".equals(f.getString("address")))
                    .anySatisfy(f -> assertThat(f.getJsonObject("body").getString("text", "")).contains("still mine"));

            attacker.ws.close().await(10, TimeUnit.SECONDS);
            eventually("the server has seen the attacker's socket close", () -> server.bridgeSockets() == 1);
            Socket next = new Socket(server.port());
            next.register("held-0");
            next.turn("held-0", "a released session is free again", "n1");
            assertThat(next.until(lastEventOf("held-0"))).anySatisfy(f -> assertThat(f.getString("address")).isEqualTo("n1"));
        }
    }

    @Test
    void a_bridge_socket_that_closes_cancels_its_turns(@TempDir Path store) throws Exception {
        GateModel model = new GateModel(1);
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder().model(model))) {
            Socket socket = new Socket(server.port());
            socket.register("leaver");
            socket.turn("leaver", "hello", "r1");
            StreamingChatResponseHandler held = model.next();
            assertThat(server.turnsRunning()).isEqualTo(1);
            socket.ws.close().await(10, TimeUnit.SECONDS);
            eventually("the turn of the closed socket is cancelled", () -> server.turnsRunning() == 0);
            GateModel.answer(held, "too late");
        }
    }

    @Test
    void with_bridge_disconnect_keep_the_turn_of_a_closed_socket_runs_on(@TempDir Path store) throws Exception {
        GateModel model = new GateModel(1);
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits(64, "keep")),
                AgentRuntime.builder().model(model))) {
            Socket socket = new Socket(server.port());
            socket.register("stayer");
            socket.turn("stayer", "hello", "r1");
            StreamingChatResponseHandler held = model.next();
            socket.ws.close().await(10, TimeUnit.SECONDS);
            eventually("the server has seen the socket close", () -> server.bridgeSockets() == 0);
            assertThat(server.turnsRunning()).isEqualTo(1);
            GateModel.answer(held, "finished for nobody");
            eventually("the kept turn ends on its own", () -> server.turnsRunning() == 0);
        }
    }

    private HttpResponse<Stream<String>> startHttpTurn(int port, String sessionId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sessionId", sessionId)
                        .put("message", new JsonObject().put("text", "hello")).encode())).build(), HttpResponse.BodyHandlers.ofLines());
    }

    private HttpResponse<String> httpTurn(int port, String sessionId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sessionId", sessionId)
                        .put("message", new JsonObject().put("text", "too late")).encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonObject> events(HttpResponse<Stream<String>> response) {
        return response.body().filter(l -> l.startsWith("data: ")).map(l -> new JsonObject(l.substring(6))).toList();
    }

    @RepeatedTest(20)
    void shutdown_refuses_new_turns_on_both_transports_and_lets_running_ones_finish_with_their_last_frames(@TempDir Path store)
            throws Exception {
        GateModel model = new GateModel(2);
        ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder().model(model));
        int port = server.port();
        Socket socket = new Socket(port);
        socket.register("bridge-a");
        socket.turn("bridge-a", "hello", "r1");
        StreamingChatResponseHandler bridgeTurn = model.next();
        CompletableFuture<HttpResponse<Stream<String>>> httpStream = CompletableFuture.supplyAsync(() -> {
            try {
                return startHttpTurn(port, "http-a");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        StreamingChatResponseHandler httpTurn = model.next();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
        HttpResponse<String> refused;
        do {
            refused = httpTurn(port, "http-late");
        } while (refused.statusCode() == 200);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        socket.register("bridge-late");
        socket.turn("bridge-late", "too late", "r2");
        List<JsonObject> untilLate = socket.until(replyTo("r2"));
        JsonObject late = untilLate.get(untilLate.size() - 1).getJsonObject("body");
        assertThat(late.getBoolean("accepted")).isFalse();
        assertThat(late.getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        assertThat(closed).isNotDone();

        GateModel.answer(bridgeTurn, "bridge answer: <meta>{\"id\":\"i\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a last light\"}}</meta>");
        GateModel.answer(httpTurn, "http answer");
        List<JsonObject> frames = socket.until(lastEventOf("bridge-a"));
        assertThat(frames.get(frames.size() - 1).getJsonObject("body").getString("type")).isEqualTo("turn_done");
        assertThat(frames).anySatisfy(f -> assertThat(f.getJsonObject("body").getString("type", "")).isEqualTo("artifact"));
        assertThat(events(httpStream.get(60, TimeUnit.SECONDS))).extracting(e -> e.getString("type")).last().isEqualTo("turn_done");
        closed.get(60, TimeUnit.SECONDS);
        socket.closed.get(60, TimeUnit.SECONDS);
    }

    @RepeatedTest(20)
    void past_the_drain_timeout_every_stream_gets_turn_failed_shutting_down_before_it_closes(@TempDir Path store) throws Exception {
        GateModel model = new GateModel(2);
        ServeServer server = ServeServer.start(ServeOptions.local(0, store).withDrainTimeout(Duration.ofMillis(200)),
                AgentRuntime.builder().model(model));
        int port = server.port();
        Socket socket = new Socket(port);
        socket.register("bridge-b");
        socket.turn("bridge-b", "hello", "r1");
        model.next();
        CompletableFuture<HttpResponse<Stream<String>>> httpStream = CompletableFuture.supplyAsync(() -> {
            try {
                return startHttpTurn(port, "http-b");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        model.next();

        server.close();
        List<JsonObject> frames = socket.until(lastEventOf("bridge-b"));
        JsonObject last = frames.get(frames.size() - 1).getJsonObject("body");
        assertThat(last.getString("type")).isEqualTo("turn_failed");
        assertThat(last.getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        List<JsonObject> events = events(httpStream.get(60, TimeUnit.SECONDS));
        assertThat(events).last().satisfies(e -> {
            assertThat(e.getString("type")).isEqualTo("turn_failed");
            assertThat(e.getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        });
        socket.closed.get(60, TimeUnit.SECONDS);
    }

    @Test
    void shutdown_drains_the_turns_other_cluster_members_started_through_the_bus_api(@TempDir Path store) throws Exception {
        GateModel model = new GateModel(1);
        ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder().model(model));
        io.vertx.core.Vertx vertx = server.runtime().vertx();
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        vertx.eventBus().<JsonObject>consumer(dev.modaweave.tools.EventBusAddresses.session("bus-a"), m -> events.add(m.body()))
                .completion().await(10, TimeUnit.SECONDS);
        assertThat(busTurn(vertx, "bus-a").getBoolean("accepted")).isTrue();
        StreamingChatResponseHandler running = model.next();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
        JsonObject late;
        int attempt = 0;
        do {
            late = busTurn(vertx, "bus-late-" + attempt++);
        } while (late.getBoolean("accepted", false) && attempt < 10_000);
        assertThat(late.getBoolean("accepted")).isFalse();
        assertThat(late.getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        assertThat(closed).isNotDone();

        GateModel.answer(running, "bus answer");
        JsonObject last;
        do {
            last = events.poll(60, TimeUnit.SECONDS);
            assertThat(last).as("an event of the bus turn within 60 s").isNotNull();
        } while (!last.getString("type").startsWith("turn_"));
        assertThat(last.getString("type")).isEqualTo("turn_done");
        closed.get(60, TimeUnit.SECONDS);
    }

    private static JsonObject busTurn(io.vertx.core.Vertx vertx, String sessionId) throws Exception {
        return vertx.eventBus().<JsonObject>request(dev.modaweave.tools.EventBusAddresses.AGENT, new JsonObject()
                .put("sessionId", sessionId).put("message", new JsonObject().put("text", "hello"))).await(10, TimeUnit.SECONDS).body();
    }
}
