package dev.modaweave.app.serve;

import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.app.runtime.AgentRuntime;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What protects a token-less {@code serve} beside a browser: Host and Origin checks, JSON-only turn
 * endpoints, the request-head timeout, connection limits, spending limits and the refusal to listen
 * beyond loopback without a token. Requests are written on raw sockets so that every header (Host
 * included) is exactly what an attacker would send.
 */
@Timeout(180)
class ServeGuardTest {

    /** One HTTP/1.1 exchange on a socket: status, headers (lower-case names) and body. */
    record Reply(int status, Map<String, String> headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String errorCode() {
            return json().getJsonObject("error").getString("code");
        }
    }

    static Reply exchange(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read(socket.getInputStream());
    }

    static Reply exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            return exchange(socket, request);
        }
    }

    static Reply read(InputStream in) throws IOException {
        String head = line(in);
        assertThat(head).as("a status line").startsWith("HTTP/1.");
        int status = Integer.parseInt(head.substring(9, 12));
        Map<String, String> headers = new java.util.HashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), l.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                all.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            body = all.toByteArray();
        } else {
            body = new byte[0];
        }
        return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the connection closed after '" + sb + "'");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static String get(String path, String host, String... extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", extraHeaders) + "\r\n";
    }

    static String post(String path, String host, String contentType, String body, String... extraHeaders) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\n" + String.join("", extraHeaders) + "\r\n" + body;
    }

    static ModaweaveConfig.Server.Limits limits(Duration headerTimeout, int maxConnections, int perClient, int turns, int calls) {
        ModaweaveConfig.Server.Limits d = ModaweaveConfig.Server.Limits.DEFAULTS;
        return new ModaweaveConfig.Server.Limits(headerTimeout, maxConnections, perClient, turns, calls, d.storeQuotaBytes(),
                d.sessionsPerSocket(), d.bridgeDisconnect());
    }

    @Test
    void a_foreign_host_or_origin_is_refused_naming_the_setting_while_own_names_and_origin_less_clients_are_served(@TempDir Path store)
            throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store)
                .withAllowed(List.of("modaweave.test", ".lan.example"), List.of("https://app.example")), AgentRuntime.builder())) {
            int port = server.port();
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "LOCALHOST", "modaweave.test:" + port,
                    "box.lan.example:" + port, "192.168.1.20:" + port)) {
                assertThat(exchange(port, get("/health", host)).status()).as(host).isEqualTo(200);
            }
            for (String host : List.of("evil.example:" + port, "evil.example", "localhost.evil.example:" + port, "lan.example.evil.test",
                    "127.0.0.1.nip.io:" + port)) {
                Reply refused = exchange(port, get("/v1/tools", host));
                assertThat(refused.status()).as(host).isEqualTo(403);
                assertThat(refused.errorCode()).isEqualTo("host_not_allowed");
                assertThat(refused.json().getJsonObject("error").getString("message")).contains("server.allowedHosts");
            }
            Reply noHost = exchange(port, "GET /health HTTP/1.0\r\n\r\n");
            assertThat(noHost.status()).isEqualTo(403);

            String own = "127.0.0.1:" + port;
            assertThat(exchange(port, get("/v1/tools", own, "Origin: http://" + own + "\r\n")).status()).isEqualTo(200);
            assertThat(exchange(port, get("/v1/tools", own, "Origin: https://app.example\r\n")).status()).isEqualTo(200);
            assertThat(exchange(port, get("/", own)).body()).contains("Modaweave playground");
            for (String origin : List.of("http://evil.example", "null", "http://localhost:" + port, "http://127.0.0.1:1")) {
                Reply refused = exchange(port, get("/v1/tools", own, "Origin: " + origin + "\r\n"));
                assertThat(refused.status()).as(origin).isEqualTo(403);
                assertThat(refused.errorCode()).isEqualTo("origin_not_allowed");
                assertThat(refused.json().getJsonObject("error").getString("message")).contains("server.allowedOrigins");
            }
            Reply bridgeInfo = exchange(port, get("/eventbus/info", own, "Origin: http://evil.example\r\n"));
            assertThat(bridgeInfo.status()).isEqualTo(403);
            assertThat(bridgeInfo.headers()).doesNotContainKey("access-control-allow-origin");

            Reply socket = exchange(port, get("/eventbus/websocket", own, "Upgrade: websocket\r\n", "Connection: Upgrade\r\n",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "Sec-WebSocket-Version: 13\r\n", "Origin: http://evil.example\r\n"));
            assertThat(socket.status()).as("the bridge's WebSocket checks the Origin like the API").isEqualTo(403);

            String metrics = exchange(port, get("/metrics", own)).body();
            assertThat(metrics).contains("modaweave_refusals_total{reason=\"host\"}").contains("modaweave_refusals_total{reason=\"origin\"}");
        }
    }

    @Test
    void turn_and_cancel_endpoints_take_json_only_so_a_cross_site_simple_post_never_starts_a_turn(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder())) {
            int port = server.port();
            String own = "127.0.0.1:" + port;
            String turn = "{\"sessionId\":\"simple\",\"message\":{\"text\":\"spend the GPU\"}}";
            Reply crossSite = exchange(port, post("/v1/turns", own, "text/plain;charset=UTF-8", turn, "Origin: http://evil.example\r\n"));
            assertThat(crossSite.status()).isEqualTo(403);
            for (String type : List.of("text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                    "application/jsonp", "text/json")) {
                Reply refused = exchange(port, post("/v1/turns", own, type, turn));
                assertThat(refused.status()).as(type).isEqualTo(415);
                assertThat(refused.errorCode()).isEqualTo("unsupported_media_type");
                Reply cancel = exchange(port, post("/v1/sessions/simple/cancel", own, type, "{}"));
                assertThat(cancel.status()).as(type).isEqualTo(415);
            }
            assertThat(server.runtime().agent().session("simple")).as("no refused request started a turn").isEmpty();
            Reply json = exchange(port, post("/v1/turns", own, "application/json; charset=utf-8", turn, "Origin: http://" + own + "\r\n",
                    "Connection: close\r\n"));
            assertThat(json.status()).isEqualTo(200);
            assertThat(json.body()).contains("turn_done");
        }
    }

    @Test
    void a_half_sent_request_head_is_closed_after_the_header_timeout_while_a_long_stream_is_not(@TempDir Path store) throws Exception {
        ServeLifecycleTest.HeldModel model = new ServeLifecycleTest.HeldModel();
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits(Duration.ofSeconds(1), 1024, 64, 0, 0)),
                AgentRuntime.builder().model(model))) {
            int port = server.port();
            String own = "127.0.0.1:" + port;
            try (Socket streaming = new Socket("127.0.0.1", port); Socket halfOpen = new Socket("127.0.0.1", port)) {
                streaming.setSoTimeout(60_000);
                streaming.getOutputStream().write(post("/v1/turns", own, "application/json", "{\"sessionId\":\"long\",\"message\":{\"text\":\"hi\"}}")
                        .getBytes(StandardCharsets.UTF_8));
                model.held.get(60, java.util.concurrent.TimeUnit.SECONDS);

                halfOpen.setSoTimeout(30_000);
                halfOpen.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.US_ASCII));
                assertThat(halfOpen.getInputStream().read()).as("the half-open connection is closed by the server within 30 s").isEqualTo(-1);

                try (Socket idle = new Socket("127.0.0.1", port)) {
                    idle.setSoTimeout(30_000);
                    assertThat(exchange(idle, get("/health", own)).status()).isEqualTo(200);
                    assertThat(idle.getInputStream().read()).as("an idle keep-alive connection is closed too").isEqualTo(-1);
                }

                model.release("still here after the header timeout");
                Reply stream = read(streaming.getInputStream());
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.body()).contains("still here after the header timeout").contains("\"type\":\"turn_done\"");
            }
            String metrics = exchange(port, get("/metrics", own)).body();
            assertThat(metrics).contains("modaweave_refusals_total{reason=\"header_timeout\"}");
        }
    }

    @Test
    void connections_past_the_per_client_limit_get_a_503_with_retry_after_and_a_closed_one_frees_its_place(@TempDir Path store)
            throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits(Duration.ofSeconds(20), 1024, 3, 0, 0)),
                AgentRuntime.builder())) {
            int port = server.port();
            String own = "127.0.0.1:" + port;
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(30_000);
                    held.add(s);
                    assertThat(exchange(s, get("/health", own)).status()).isEqualTo(200);
                }
                try (Socket fourth = new Socket("127.0.0.1", port)) {
                    fourth.setSoTimeout(30_000);
                    Reply refused = exchange(fourth, get("/health", own));
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.errorCode()).isEqualTo("too_many_connections");
                    assertThat(refused.headers()).containsEntry("retry-after", "1").containsEntry("connection", "close");
                    assertThat(refused.json().getJsonObject("error").getString("message")).contains("maxConnectionsPerClient");
                    assertThat(fourth.getInputStream().read()).isEqualTo(-1);
                }
                held.remove(0).close();
                Reply again = null;
                for (int attempt = 0; attempt < 200 && (again == null || again.status() == 503); attempt++) {
                    again = exchange(port, get("/health", own));
                }
                assertThat(again.status()).as("a place is free again once the server has seen the close").isEqualTo(200);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void too_long_request_lines_and_headers_get_414_and_431_with_a_json_body(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder())) {
            int port = server.port();
            Reply uri = exchange(port, get("/v1/tools?q=" + "a".repeat(10_000), "127.0.0.1"));
            assertThat(uri.status()).isEqualTo(414);
            assertThat(uri.errorCode()).isEqualTo("uri_too_long");
            Reply headers = exchange(port, get("/v1/tools", "127.0.0.1", "X-Big: " + "b".repeat(20_000) + "\r\n"));
            assertThat(headers.status()).isEqualTo(431);
            assertThat(headers.errorCode()).isEqualTo("headers_too_large");
        }
    }

    @Test
    void turns_past_the_per_minute_budget_get_429_with_retry_after_and_metrics_count_them(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withLimits(limits(Duration.ofSeconds(20), 1024, 64, 2, 0)),
                AgentRuntime.builder())) {
            int port = server.port();
            String own = "127.0.0.1:" + port;
            for (int i = 0; i < 2; i++) {
                assertThat(exchange(port, post("/v1/turns", own, "application/json", "{\"sessionId\":\"r" + i + "\",\"message\":{\"text\":\"hi\"}}"))
                        .status()).isEqualTo(200);
            }
            Reply refused = exchange(port, post("/v1/turns", own, "application/json", "{\"sessionId\":\"r9\",\"message\":{\"text\":\"hi\"}}"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("rate_limited");
            assertThat(refused.json().getJsonObject("error").getString("message")).contains("server.limits.turnsPerMinute");
            assertThat(Integer.parseInt(refused.headers().get("retry-after"))).isBetween(1, 60);
            assertThat(server.runtime().agent().session("r9")).isEmpty();
            assertThat(exchange(port, get("/metrics", own)).body()).contains("modaweave_refusals_total{reason=\"rate_limited\"} 1.0");
        }
    }

    @Test
    void metric_labels_come_from_a_closed_set_and_nothing_but_a_refusal_is_recorded_before_authentication(@TempDir Path store)
            throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store).withToken("t0ken"), AgentRuntime.builder())) {
            int port = server.port();
            String own = "127.0.0.1:" + port;
            for (int i = 0; i < 50; i++) {
                exchange(port, "QWERTY" + i + " /v1/tools HTTP/1.1\r\nHost: " + own + "\r\n\r\n");
                exchange(port, get("/v1/made-up-" + i, own));
            }
            exchange(port, "QWERTY /v1/tools HTTP/1.1\r\nHost: " + own + "\r\nAuthorization: Bearer t0ken\r\n\r\n");
            exchange(port, get("/made-up-page-" + 1, own));
            String metrics = exchange(port, get("/metrics", own, "Authorization: Bearer t0ken\r\n")).body();
            assertThat(metrics).doesNotContain("QWERTY").doesNotContain("made-up")
                    .contains("modaweave_refusals_total{reason=\"unauthorized\"} 100.0")
                    .contains("method=\"other\"");
            assertThat(metrics.lines().filter(l -> l.startsWith("modaweave_http_requests_total"))).hasSizeLessThan(6);
        }
    }

    @Test
    void the_rate_limits_count_turns_and_accepted_calls_in_a_sliding_minute() {
        AtomicLong now = new AtomicLong(0);
        RateLimits limits = new RateLimits(3, 4, now::get);
        assertThat(limits.admitTurn("a")).isNull();
        for (int i = 0; i < 4; i++) {
            limits.callAccepted("a");
        }
        RateLimits.Refusal calls = limits.admitTurn("a");
        assertThat(calls.budget()).isEqualTo("calls");
        assertThat(calls.retryAfterSeconds()).isEqualTo(60);
        assertThat(limits.admitTurn("b")).as("another client has its own budget").isNull();
        now.set(Duration.ofSeconds(45).toNanos());
        assertThat(limits.admitTurn("a").retryAfterSeconds()).isEqualTo(15);
        now.set(Duration.ofSeconds(60).toNanos());
        assertThat(limits.admitTurn("a")).isNull();
        assertThat(limits.admitTurn("a")).isNull();
        assertThat(limits.admitTurn("a")).isNull();
        assertThat(limits.admitTurn("a").budget()).isEqualTo("turns");
        assertThat(new RateLimits(0, 0, now::get).admitTurn("a")).as("0 switches the limits off").isNull();
    }

    @Test
    void listening_beyond_loopback_without_a_token_is_refused_unless_insecure() {
        ModaweaveConfig config = dev.modaweave.app.config.ConfigLoader.parse("server:\n  host: 0.0.0.0\n", "test");
        ServeCommand command = new ServeCommand();
        assertThatThrownBy(() -> command.options(config, Map.of())).isInstanceOf(UsageException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("--token-env").hasMessageContaining("--insecure");
        command.host = "localhost";
        assertThat(command.options(config, Map.of()).host()).isEqualTo("localhost");
        command.host = null;
        command.tokenEnv = "SERVE_TOKEN";
        assertThat(command.options(config, Map.of("SERVE_TOKEN", "t0ken")).token()).isEqualTo("t0ken");
        command.tokenEnv = null;
        command.insecure = true;
        assertThat(command.options(config, Map.of()).host()).isEqualTo("0.0.0.0");
        assertThat(ServeCommand.isLoopback("127.0.0.1")).isTrue();
        assertThat(ServeCommand.isLoopback("[::1]")).isTrue();
        assertThat(ServeCommand.isLoopback("0.0.0.0")).isFalse();
        assertThat(ServeCommand.isLoopback("::")).isFalse();
    }
}
