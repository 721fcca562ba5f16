package dev.modaweave.app.serve;

import dev.modaweave.app.runtime.AgentRuntime;
import dev.modaweave.tools.MediaTypes;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts {@code serve} on a free port once and talks to it over HTTP, SSE and the SockJS bridge. */
class ServeServerTest {

    private static final String IMAGE_AND_AUDIO = "A fox: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"}}</meta>"
            + " and wind: <meta>{\"id\":\"snd1\",\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"wind in pines\"}}</meta>";

    @TempDir
    static Path store;

    static ServeServer server;
    static HttpClient http;
    static String base;

    @BeforeAll
    static void start() {
        server = ServeServer.start(ServeOptions.local(0, store).withMaxUploadBytes(1 << 20), AgentRuntime.builder());
        base = "http://127.0.0.1:" + server.port();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    static HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static JsonObject json(HttpResponse<byte[]> response) {
        return new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
    }

    /** Posts a turn and returns its SSE events, checking the framing of every one. */
    static List<JsonObject> turn(String sessionId, String text, String... media) throws Exception {
        JsonObject body = new JsonObject().put("sessionId", sessionId)
                .put("message", new JsonObject().put("text", text).put("media", new JsonArray(List.of((Object[]) media))));
        HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/turns"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonObject> events = new ArrayList<>();
        response.body().forEach(line -> {
            if (line.startsWith("data: ")) {
                events.add(new JsonObject(line.substring(6)));
            } else {
                assertThat(line).as("an SSE line is data, a comment or blank").matches("|:.*");
            }
        });
        return events;
    }

    static JsonObject artifact(List<JsonObject> events, String modality) {
        return events.stream().filter(e -> e.getString("type").equals("artifact") && e.getString("modality").equals(modality))
                .findFirst().orElseThrow(() -> new AssertionError("no " + modality + " artifact among " + events));
    }

    @Test
    void a_turn_streams_its_events_and_its_artifacts_are_served_with_their_type_and_byte_ranges() throws Exception {
        List<JsonObject> events = turn("http-1", IMAGE_AND_AUDIO);

        assertThat(events).extracting(e -> e.getString("type")).contains("text", "call_accepted", "artifact").last().isEqualTo("turn_done");
        assertThat(events).extracting(e -> e.getString("sessionId")).containsOnly("http-1");
        assertThat(events.stream().filter(e -> e.getString("type").equals("text")).map(e -> e.getString("text")).reduce("", String::concat))
                .contains("A fox:").doesNotContain("<meta>");
        JsonObject image = artifact(events, "image");
        HttpResponse<byte[]> bytes = get("/v1/artifacts/" + image.getString("id"));
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.headers().firstValue("Content-Type")).contains(image.getString("mimeType"));
        assertThat(bytes.headers().firstValue("Content-Length")).contains(Integer.toString(bytes.body().length));
        assertThat(MediaTypes.sniff(bytes.body())).contains("image/png");

        JsonObject meta = json(get("/v1/artifacts/" + image.getString("id") + "/meta"));
        assertThat(meta.getString("id")).isEqualTo(image.getString("id"));
        assertThat(meta.getLong("size")).isEqualTo(bytes.body().length);
        assertThat(meta.getString("tool")).isEqualTo(image.getString("tool"));

        JsonObject audio = artifact(events, "audio");
        byte[] whole = get("/v1/artifacts/" + audio.getString("id")).body();
        HttpResponse<byte[]> part = get("/v1/artifacts/" + audio.getString("id"), "Range", "bytes=4-11");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 4-11/" + whole.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 4, 12));
        HttpResponse<byte[]> suffix = get("/v1/artifacts/" + audio.getString("id"), "Range", "bytes=-4");
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 4, whole.length));
        HttpResponse<byte[]> outside = get("/v1/artifacts/" + audio.getString("id"), "Range", "bytes=" + whole.length + "-");
        assertThat(outside.statusCode()).isEqualTo(416);
        assertThat(outside.headers().firstValue("Content-Range")).contains("bytes */" + whole.length);
        assertThat(json(outside).getJsonObject("error").getString("code")).isEqualTo("range_not_satisfiable");

        String url = "/v1/artifacts/" + audio.getString("id");
        HttpResponse<byte[]> backwards = get(url, "Range", "bytes=100-50");
        assertThat(backwards.statusCode()).as("an invalid range is ignored").isEqualTo(200);
        assertThat(backwards.body()).isEqualTo(whole);
        assertThat(get(url, "Range", "bytes=0-1,5-6").statusCode()).as("several ranges are not taken: the whole file").isEqualTo(200);
        HttpResponse<byte[]> clamped = get(url, "Range", "bytes=0-99999999999999999999");
        assertThat(clamped.statusCode()).as("a last position past the end is clamped").isEqualTo(206);
        assertThat(clamped.headers().firstValue("Content-Range")).contains("bytes 0-" + (whole.length - 1) + "/" + whole.length);
        assertThat(clamped.body()).isEqualTo(whole);
        assertThat(get(url, "Range", "bytes=99999999999999999999-").statusCode()).isEqualTo(416);
        assertThat(get(url, "Range", "bytes=-0").statusCode()).isEqualTo(416);
        assertThat(get(url, "Range", "bytes=-99999999999999999999").body()).isEqualTo(whole);
        String etag = part.headers().firstValue("ETag").orElseThrow();
        assertThat(get(url, "Range", "bytes=4-11", "If-Range", "\"not-the-etag\"").statusCode()).as("a stale If-Range").isEqualTo(200);
        assertThat(get(url, "Range", "bytes=4-11", "If-Range", etag).statusCode()).isEqualTo(206);
    }

    @Test
    void an_upload_is_typed_by_its_magic_bytes_and_can_be_sent_with_a_turn() throws Exception {
        byte[] png = get("/v1/artifacts/" + artifact(turn("http-upload-src", IMAGE_AND_AUDIO), "image").getString("id")).body();

        HttpResponse<byte[]> raw = post("/v1/artifacts", "application/octet-stream", png);
        assertThat(raw.statusCode()).isEqualTo(201);
        JsonObject uploaded = json(raw);
        assertThat(uploaded.getString("mimeType")).isEqualTo("image/png");
        assertThat(uploaded.getLong("size")).isEqualTo(png.length);

        String boundary = "----modaweave-test";
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fox.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        multipart.write(png);
        multipart.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<byte[]> form = post("/v1/artifacts", "multipart/form-data; boundary=" + boundary, multipart.toByteArray());
        assertThat(form.statusCode()).isEqualTo(201);
        assertThat(json(form).getString("mimeType")).isEqualTo("image/png");

        HttpResponse<byte[]> curlDefault = post("/v1/artifacts", "application/x-www-form-urlencoded", png);
        assertThat(curlDefault.statusCode()).as("curl --data-binary sends a form type; the body is still the file").isEqualTo(201);
        assertThat(json(curlDefault).getString("mimeType")).isEqualTo("image/png");
        assertError(post("/v1/artifacts", "image/png", "not an image".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media_type");
        assertError(post("/v1/artifacts", "audio/wav", png), 415, "media_type_mismatch");

        List<JsonObject> events = turn("http-upload", "Like this, but at night: <meta>{\"id\":\"n1\",\"task\":\"text-to-image\","
                + "\"args\":{\"prompt\":\"the same fox at night\"}}</meta>", uploaded.getString("id"));
        assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("turn_done");
        assertThat(artifact(events, "image").getString("id")).isNotEqualTo(uploaded.getString("id"));
    }

    static void assertError(HttpResponse<byte[]> response, int status, String code) {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonObject error = json(response).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo(code);
        assertThat(error.getString("message")).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void bad_requests_get_a_json_4xx_and_never_a_file_outside_the_store() throws Exception {
        String json = "application/json";
        assertError(post("/v1/turns", json, new byte[300 * 1024]), 413, "payload_too_large");
        assertError(post("/v1/artifacts", "application/octet-stream", new byte[(1 << 20) + 1]), 413, "payload_too_large");
        assertError(post("/v1/turns", json, "{\"sessionId\":".getBytes(StandardCharsets.UTF_8)), 400, "bad_json");
        assertError(post("/v1/turns", json, "[1,2]".getBytes(StandardCharsets.UTF_8)), 400, "bad_json");
        assertError(post("/v1/turns", json, new byte[0]), 400, "bad_json");
        assertError(post("/v1/turns", json, "{\"message\":{\"text\":\"hi\"}}".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertError(post("/v1/turns", json, "{\"sessionId\":\"../x\",\"message\":{\"text\":\"hi\"}}".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertError(post("/v1/turns", json, "{\"sessionId\":\"s\",\"message\":{\"text\":42}}".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertError(post("/v1/turns", json, "{\"sessionId\":\"s\",\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertError(post("/v1/turns", json, "{\"sessionId\":\"s\",\"message\":{\"text\":\" \"}}".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertError(post("/v1/turns", json, "{\"sessionId\":\"s\",\"message\":{\"text\":\"x\",\"media\":[\"../../etc/passwd\"]}}"
                .getBytes(StandardCharsets.UTF_8)), 400, "invalid_artifact_id");
        assertError(post("/v1/turns", json, "{\"sessionId\":\"s\",\"message\":{\"text\":\"x\",\"media\":[\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\"]}}"
                .getBytes(StandardCharsets.UTF_8)), 400, "unknown_media");
        assertError(post("/v1/sessions/never-used/cancel", json, new byte[0]), 404, "unknown_session");
        assertError(get("/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa"), 404, "artifact_not_found");
        assertError(get("/v1/nothing-here"), 404, "not_found");

        for (String path : List.of("/v1/artifacts/..%2F..%2Fetc%2Fpasswd", "/v1/artifacts/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "/v1/artifacts/%2e%2e%2f%2e%2e%2fetc%2fpasswd/meta", "/v1/artifacts/..%2F..%2F..%2Fblobs",
                "/v1/artifacts/../../etc/passwd", "/v1/artifacts/..%5c..%5cwindows", "/v1/artifacts/art_%2e%2e",
                "/..%2F..%2Fetc%2Fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/v1/artifacts/%00")) {
            HttpResponse<byte[]> response = get(path);
            assertThat(response.statusCode()).as(path).isBetween(400, 499);
            assertThat(json(response).getJsonObject("error").getString("code")).as(path).isNotBlank();
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(path).doesNotContain("root:");
        }
    }

    static HttpResponse<byte[]> request(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void a_known_route_asked_with_another_method_answers_405_with_the_allowed_ones_and_unknown_routes_stay_404() throws Exception {
        record Case(String method, String path, String allow) {
        }
        for (Case c : List.of(new Case("GET", "/v1/turns", "POST"), new Case("DELETE", "/v1/tools", "GET"),
                new Case("PUT", "/v1/artifacts", "POST"), new Case("DELETE", "/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa", "GET, HEAD"),
                new Case("POST", "/v1/artifacts/art_aaaaaaaaaaaaaaaaaaaaaaaaaa/meta", "GET"),
                new Case("GET", "/v1/sessions/s1/cancel", "POST"), new Case("POST", "/health", "GET"),
                new Case("POST", "/ready", "GET"), new Case("PUT", "/metrics", "GET"))) {
            HttpResponse<byte[]> response = request(c.method(), c.path());
            assertError(response, 405, "method_not_allowed");
            assertThat(response.headers().firstValue("Allow")).as(c.method() + " " + c.path()).hasValue(c.allow());
        }
        for (String path : List.of("/v1/nothing-here", "/v1/artifacts/a/b/c", "/v1/sessions/s1", "/nothing-here")) {
            HttpResponse<byte[]> response = request("POST", path);
            assertError(response, 404, "not_found");
            assertThat(response.headers().firstValue("Allow")).as(path).isEmpty();
        }
    }

    @Test
    void tools_health_readiness_and_metrics_describe_the_node() throws Exception {
        JsonArray tools = json(get("/v1/tools")).getJsonArray("tools");
        assertThat(tools).isNotEmpty();
        assertThat(tools.stream().map(JsonObject.class::cast)).anySatisfy(t -> {
            assertThat(t.getString("task")).isEqualTo("text-to-image");
            assertThat(t.getBoolean("available")).isTrue();
            assertThat(t.getString("availability")).isEqualTo("available");
            assertThat(t.getString("breaker")).isEqualTo("closed");
        });
        assertThat(json(get("/health")).getString("status")).isEqualTo("up");
        HttpResponse<byte[]> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).getJsonObject("checks").getMap()).containsEntry("dispatcher", true).containsEntry("storeWritable", true);

        turn("http-metrics", IMAGE_AND_AUDIO);
        String metrics = new String(get("/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("modaweave_dispatch_latency_seconds_count{outcome=\"artifact\"")
                .contains("modaweave_tool_duration_seconds_count{outcome=\"success\"")
                .contains("modaweave_tool_breaker_state{tool=")
                .contains("modaweave_tool_running{tool=")
                .contains("modaweave_tool_load{tool=")
                .contains("modaweave_tool_queued{tool=")
                .contains("modaweave_tool_in_flight{tool=")
                .contains("modaweave_calls_in_flight")
                .contains("modaweave_http_requests_total{method=\"POST\",route=\"/v1/turns\",status=\"200\"}");
    }

    @Test
    void the_bridge_refuses_other_addresses_and_other_sessions_but_carries_the_callers_own_turn() throws Exception {
        turn("http-owned", "just text");
        Vertx vertx = Vertx.vertx();
        try {
            WebSocketClient client = vertx.createWebSocketClient();
            WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
                    .setURI("/eventbus/websocket")).await(10, TimeUnit.SECONDS);
            BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
            ws.handler(frame -> frames.add(frame.toJsonObject()));

            ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "modaweave.tool.preview-image")
                    .put("body", new JsonObject().put("args", new JsonObject())).put("replyAddress", "r0").encode());
            assertThat(next(frames)).isEqualTo(new JsonObject().put("type", "err").put("body", "access_denied"));
            ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "modaweave.tools.announce").encode());
            assertThat(next(frames).getString("body")).isEqualTo("access_denied");
            ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "modaweave.artifacts.read")
                    .put("body", new JsonObject().put("id", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa")).put("replyAddress", "r0").encode());
            assertThat(next(frames).getString("body")).isEqualTo("access_denied");
            ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "modaweave.session.http-owned").encode());
            assertThat(next(frames).getString("body")).isEqualTo("rejected");
            ws.writeTextMessage(new JsonObject().put("type", "publish").put("address", "modaweave.agent")
                    .put("body", new JsonObject().put("sessionId", "bridge-1")).encode());
            assertThat(next(frames).getString("body")).isEqualTo("rejected");
            ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "modaweave.agent").put("replyAddress", "r0")
                    .put("body", new JsonObject().put("sessionId", "http-owned").put("message", new JsonObject().put("text", "x"))).encode());
            assertThat(next(frames).getString("body")).isEqualTo("rejected");

            ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "modaweave.session.bridge-1").encode());
            ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "modaweave.agent").put("replyAddress", "r1")
                    .put("body", new JsonObject().put("sessionId", "bridge-1").put("message", new JsonObject().put("text",
                            "Over the bridge: <meta>{\"id\":\"i\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a bridge\"}}</meta>")))
                    .encode());
            List<JsonObject> received = new ArrayList<>();
            JsonObject frame;
            do {
                frame = next(frames);
                assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("rec");
                received.add(frame);
            } while (!"turn_done".equals(frame.getJsonObject("body").getString("type")));
            assertThat(received).anySatisfy(f -> assertThat(f.getString("address")).isEqualTo("r1"));
            assertThat(received).anySatisfy(f -> assertThat(f.getJsonObject("body").getString("type")).isEqualTo("artifact"));
            assertThat(received).filteredOn(f -> !"r1".equals(f.getString("address")))
                    .allSatisfy(f -> assertThat(f.getString("address")).isEqualTo("modaweave.session.bridge-1"));

            HttpResponse<byte[]> stolen = post("/v1/turns", "application/json",
                    "{\"sessionId\":\"bridge-1\",\"message\":{\"text\":\"mine now\"}}".getBytes(StandardCharsets.UTF_8));
            assertError(stolen, 403, "session_not_yours");
            ws.close().await(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    static JsonObject next(BlockingQueue<JsonObject> frames) throws InterruptedException {
        JsonObject frame = frames.poll(60, TimeUnit.SECONDS);
        assertThat(frame).as("a frame from the bridge within 60 s").isNotNull();
        return frame;
    }

}
