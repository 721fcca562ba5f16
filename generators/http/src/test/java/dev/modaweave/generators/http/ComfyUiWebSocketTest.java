package dev.modaweave.generators.http;

import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step progress over ComfyUI's websocket, against a small fake ComfyUI (WireMock cannot serve
 * websockets): it accepts the socket, pushes progress events when the prompt is queued, and keeps
 * the history empty until the tool has reported the last step, so the test cannot pass by polling.
 */
class ComfyUiWebSocketTest {

    private FakeComfyUi server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeComfyUi();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void step_progress_arrives_over_the_websocket_of_the_generation_s_own_client_id() {
        var tool = new ComfyUiTool(Backends.testSettings(ComfyUiConfig.builder(), "http://127.0.0.1:" + server.port())
                .workflow(BackendFixture.comfyWorkflow("SaveImage")).build());
        List<String> reports = new CopyOnWriteArrayList<>();

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), (fraction, message) -> {
            reports.add(fraction + " " + message);
            if (message.equals("step 3/3")) {
                server.lastStepReported.countDown();
            }
        });

        assertThat(result.bytes()).isEqualTo(BackendFixture.PNG);
        assertThat(reports).containsSubsequence("0.3333333333333333 step 1/3", "0.6666666666666666 step 2/3", "1.0 step 3/3", "1.0 done");
        assertThat(reports).as("another prompt's steps").doesNotContain("0.5 step 1/2");
        assertThat(server.socketClientId).isEqualTo(server.promptClientId).isNotBlank();
        assertThat(server.socketAuthorization).isEqualTo("Bearer " + Backends.SECRET);
    }

    /** Just enough of ComfyUI's HTTP API and websocket for one generation. */
    private static final class FakeComfyUi implements AutoCloseable {
        final CountDownLatch lastStepReported = new CountDownLatch(1);
        volatile String socketClientId;
        volatile String socketAuthorization;
        volatile String promptClientId;
        private volatile OutputStream socket;
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newCachedThreadPool();

        FakeComfyUi() throws IOException {
            threads.execute(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket connection = listener.accept();
                        threads.execute(() -> serve(connection));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
                String requestLine = reader.readLine();
                Map<String, String> headers = new HashMap<>();
                for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
                char[] body = new char[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
                int read = 0;
                while (read < body.length) {
                    read += reader.read(body, read, body.length - read);
                }
                String path = requestLine.split(" ")[1];
                OutputStream out = connection.getOutputStream();
                if (path.startsWith("/ws?clientId=")) {
                    socketClientId = path.substring("/ws?clientId=".length());
                    socketAuthorization = headers.get("authorization");
                    String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                            (headers.get("sec-websocket-key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    socket = out;
                    text(out, "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},\"sid\":\"x\"}}");
                    while (in.read() >= 0) {
                        // hold the socket open until the client aborts it
                    }
                    return;
                }
                if (path.equals("/prompt")) {
                    promptClientId = dev.modaweave.tools.Json.parse(new String(body)).path("client_id").asText();
                    OutputStream events = socket;
                    if (events != null) {
                        text(events, "{\"type\":\"progress\",\"data\":{\"value\":1,\"max\":2,\"prompt_id\":\"someone-else\"}}");
                        for (int step = 1; step <= 3; step++) {
                            text(events, "{\"type\":\"progress\",\"data\":{\"value\":" + step + ",\"max\":3,\"prompt_id\":\"p-ws\",\"node\":\"3\"}}");
                        }
                    }
                    respond(out, "application/json", "{\"prompt_id\":\"p-ws\",\"number\":1,\"node_errors\":{}}".getBytes(StandardCharsets.UTF_8));
                } else if (path.startsWith("/history/p-ws")) {
                    String history = lastStepReported.getCount() == 0
                            ? BackendFixture.comfyHistory("p-ws", "images", "out.png") : "{}";
                    respond(out, "application/json", history.getBytes(StandardCharsets.UTF_8));
                } else if (path.startsWith("/queue")) {
                    respond(out, "application/json", "{\"queue_running\":[],\"queue_pending\":[]}".getBytes(StandardCharsets.UTF_8));
                } else if (path.startsWith("/view")) {
                    respond(out, "image/png", BackendFixture.PNG);
                } else {
                    respond(out, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException | NoSuchAlgorithmException ignored) {
                // the client went away; the test's assertions tell whether that mattered
            }
        }

        private static void respond(OutputStream out, String type, byte[] body) throws IOException {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }

        private static synchronized void text(OutputStream out, String message) throws IOException {
            byte[] payload = message.getBytes(StandardCharsets.UTF_8);
            out.write(0x81);
            if (payload.length < 126) {
                out.write(payload.length);
            } else {
                out.write(126);
                out.write(payload.length >> 8);
                out.write(payload.length & 0xFF);
            }
            out.write(payload);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            threads.shutdownNow();
        }
    }
}
