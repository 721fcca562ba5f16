package dev.modaweave.app.serve;

import dev.modaweave.app.runtime.AgentRuntime;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bearer-token auth and graceful shutdown, each on a server of its own. */
@Timeout(180)
class ServeLifecycleTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void with_a_token_the_api_needs_it_while_health_and_the_playground_stay_open(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withToken("s3cret-token"), AgentRuntime.builder())) {
            int port = server.port();
            assertThat(get(port, "/health").statusCode()).isEqualTo(200);
            assertThat(get(port, "/").body()).contains("Modaweave playground");

            for (String path : List.of("/v1/tools", "/ready", "/metrics", "/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa")) {
                HttpResponse<String> none = get(port, path);
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                assertThat(new JsonObject(none.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
                assertThat(get(port, path, "Authorization", "Bearer s3cret-tokeN").statusCode()).as(path).isEqualTo(401);
            }
            assertThat(get(port, "/v1/tools", "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(get(port, "/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa?access_token=s3cret-token").statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns?access_token=s3cret-token"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("a query token is for GET only").isEqualTo(401);

            Vertx vertx = Vertx.vertx();
            try {
                var client = vertx.createWebSocketClient();
                assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/eventbus/websocket")).await(10, TimeUnit.SECONDS)).hasMessageContaining("401");
                var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/eventbus/websocket?access_token=s3cret-token")).await(10, TimeUnit.SECONDS);
                ws.close().await(5, TimeUnit.SECONDS);
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Answers the first round when the test says so, later rounds with nothing. */
    static final class HeldModel implements StreamingChatModel {
        final CompletableFuture<StreamingChatResponseHandler> held = new CompletableFuture<>();

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            if (!held.complete(handler)) {
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("")).build());
            }
        }

        void release(String text) throws Exception {
            StreamingChatResponseHandler handler = held.get(60, TimeUnit.SECONDS);
            handler.onPartialResponse(text);
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
        }
    }

    @Test
    void a_busy_session_is_refused_and_closing_refuses_new_turns_but_lets_the_running_one_finish(@TempDir Path store) throws Exception {
        HeldModel model = new HeldModel();
        ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder().model(model));
        int port = server.port();
        URI turns = URI.create("http://127.0.0.1:" + port + "/v1/turns");
        CompletableFuture<HttpResponse<Stream<String>>> running = http.sendAsync(HttpRequest.newBuilder(turns).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"a\",\"message\":{\"text\":\"hello\"}}")).build(),
                HttpResponse.BodyHandlers.ofLines());
        model.held.get(60, TimeUnit.SECONDS);

        HttpResponse<String> busy = http.send(HttpRequest.newBuilder(turns).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"a\",\"message\":{\"text\":\"me too\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(busy.body()).getJsonObject("error").getString("code")).isEqualTo("session_busy");

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
        JsonObject readiness;
        do {
            readiness = new JsonObject(get(port, "/ready").body());
        } while (readiness.getJsonObject("checks").getBoolean("acceptingTurns"));
        assertThat(readiness.getBoolean("ready")).isFalse();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(turns).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"b\",\"message\":{\"text\":\"too late\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("shutting_down");
        assertThat(closed).isNotDone();

        model.release("Finishing: <meta>{\"id\":\"i\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a last light\"}}</meta>");
        List<JsonObject> events = running.get(60, TimeUnit.SECONDS).body().filter(l -> l.startsWith("data: "))
                .map(l -> new JsonObject(l.substring(6))).toList();
        assertThat(events).extracting(e -> e.getString("type")).contains("artifact").last().isEqualTo("turn_done");
        closed.get(60, TimeUnit.SECONDS);
        assertThatThrownBy(() -> get(port, "/health")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void a_store_that_cannot_write_makes_the_server_not_ready_and_uploads_get_a_typed_error_without_paths(@TempDir Path store)
            throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder())) {
            int port = server.port();
            assertThat(get(port, "/ready").statusCode()).isEqualTo(200);
            Path blobs = store.resolve("blobs");
            try (var files = java.nio.file.Files.walk(blobs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            java.nio.file.Files.writeString(blobs, "not a directory");

            HttpResponse<String> ready = get(port, "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(ready.body()).getJsonObject("checks").getBoolean("storeWritable")).isFalse();

            byte[] png = java.util.Base64.getDecoder().decode(
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/artifacts"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).isEqualTo(507);
            assertThat(new JsonObject(upload.body()).getJsonObject("error").getString("code")).isEqualTo("store_unavailable");
            assertThat(upload.body()).doesNotContain(store.toString());
        }
    }

    private HttpResponse<String> upload(int port, byte[] bytes) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/artifacts"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void uploads_are_decoded_before_they_are_stored_and_a_client_quota_bounds_what_one_address_stores(@TempDir Path store)
            throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        byte[] png = out.toByteArray();
        var d = dev.modaweave.app.config.ModaweaveConfig.Server.Limits.DEFAULTS;
        var limits = new dev.modaweave.app.config.ModaweaveConfig.Server.Limits(d.headerTimeout(), d.maxConnections(),
                d.maxConnectionsPerClient(), 0, 0, png.length * 3L / 2, d.sessionsPerSocket(), d.bridgeDisconnect());
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits), AgentRuntime.builder())) {
            int port = server.port();
            byte[] headerThenZeros = java.util.Arrays.copyOf(java.util.Arrays.copyOf(png, 33), 200_000);
            HttpResponse<String> garbage = upload(port, headerThenZeros);
            assertThat(garbage.statusCode()).isEqualTo(415);
            assertThat(new JsonObject(garbage.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_media");

            assertThat(upload(port, png).statusCode()).isEqualTo(201);
            HttpResponse<String> over = upload(port, png);
            assertThat(over.statusCode()).isEqualTo(413);
            assertThat(new JsonObject(over.body()).getJsonObject("error").getString("code")).isEqualTo("quota_exceeded");
            assertThat(new JsonObject(over.body()).getJsonObject("error").getString("message")).contains("server.limits.storeQuotaBytes");
        }
    }
}
