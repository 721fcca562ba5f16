package dev.modaweave.app.serve;

import dev.modaweave.app.runtime.AgentRuntime;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-bus bridge through the real {@code sockjs-client} (npm) under node, forced to each SockJS
 * transport in turn: WebSocket, xhr-streaming and xhr-polling each carry a whole turn, from the
 * registration to its {@code turn_done}, three times in a row (xhr-polling used to fail about one turn
 * in ten: the server closed each poll's connection without saying so, and node's keep-alive agent sent
 * the next poll on the closed socket). The client is installed from {@code src/test/sockjs}'s
 * lock file ({@code npm ci --prefix src/test/sockjs}, which {@code .ci/run} does). Skipped where node
 * or the installed client is missing, unless {@code CI=true}, where that fails.
 */
@Timeout(180)
class ServeSockJsTest {

    private static final Path CLIENT = Path.of(System.getProperty("basedir", "."), "test", "sockjs");

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling"})
    void a_turn_runs_over_each_sockjs_transport(String transport, @TempDir Path store) throws Exception {
        boolean node = onPath("node");
        boolean installed = Files.isDirectory(CLIENT.resolve("node_modules").resolve("sockjs-client"));
        String missing = !node ? "node is not installed: apt-get install -y nodejs npm, then npm ci --prefix src/test/sockjs"
                : "the sockjs-client package is not installed: npm ci --prefix src/test/sockjs";
        if ("true".equals(System.getenv("CI"))) {
            assertThat(node && installed).as(missing).isTrue();
        }
        Assumptions.assumeTrue(node && installed, missing);

        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder())) {
            for (int run = 1; run <= 3; run++) {
                oneTurn(server, transport, "sockjs-" + transport + "-" + run);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void xhr_receivers_tell_the_client_their_connection_closes(@TempDir Path store) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, store), AgentRuntime.builder())) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port() + "/eventbus/123/abcdefgh/";
            java.net.http.HttpResponse<String> open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "xhr"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.body()).startsWith("o");
            assertThat(open.headers().firstValue("Connection")).hasValue("close");
        }
    }

    private static void oneTurn(ServeServer server, String transport, String session) throws Exception {
        Process process = new ProcessBuilder("node", CLIENT.resolve("bridge-turn.js").toString(),
                "http://127.0.0.1:" + server.port() + "/eventbus", transport, session,
                "Over " + transport + ": <meta>{\"id\":\"i\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a bridge\"}}</meta>")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("node finishes within 120 s").isTrue();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).as(String.join("\n", lines)).contains("done");
        assertThat(lines.get(0)).contains(transport);
        List<JsonObject> events = lines.stream().filter(l -> l.startsWith("{\"type\":\"rec\""))
                .map(JsonObject::new).filter(f -> ("modaweave.session." + session).equals(f.getString("address")))
                .map(f -> f.getJsonObject("body")).toList();
        assertThat(events).extracting(e -> e.getString("type")).contains("text", "call_accepted", "artifact").last().isEqualTo("turn_done");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"address\":\"reply-1\"").contains("\"accepted\":true"));
    }

    private static boolean onPath(String program) {
        try {
            return new ProcessBuilder(program, "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
