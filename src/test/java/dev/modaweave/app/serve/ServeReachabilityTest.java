package dev.modaweave.app.serve;

import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.runtime.AgentRuntime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServeReachabilityTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonObject get(String base, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(response.body());
    }

    @Test
    void a_configured_backend_that_is_down_is_unreachable_in_v1_tools_and_not_counted_by_ready(@TempDir Path dir) throws Exception {
        int downPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            downPort = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("modaweave.yaml"), """
                tools:
                  backends:
                    - backend: automatic1111
                      name: sd-down
                      baseUrl: http://127.0.0.1:%d
                """.formatted(downPort));
        ServeServer server = ServeServer.start(ServeOptions.local(0, dir.resolve("store")),
                AgentRuntime.builder().config(ConfigLoader.load(config, Map.of())));
        try {
            String base = "http://127.0.0.1:" + server.port();
            JsonObject down = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                down = tool(get(base, "/v1/tools").getJsonArray("tools"), "sd-down");
                if ("unreachable".equals(down.getString("availability"))) {
                    break;
                }
                Thread.onSpinWait();
            }
            assertThat(down.getString("availability")).isEqualTo("unreachable");
            assertThat(down.getBoolean("available")).isFalse();

            JsonArray tools = get(base, "/v1/tools").getJsonArray("tools");
            long available = tools.stream().map(JsonObject.class::cast).filter(t -> t.getBoolean("available")).count();
            assertThat(get(base, "/ready").getJsonObject("checks").getLong("availableTools")).isEqualTo(available);
            assertThat(available).isEqualTo(tools.size() - 1);
        } finally {
            server.close();
        }
    }

    private static JsonObject tool(JsonArray tools, String name) {
        return tools.stream().map(JsonObject.class::cast).filter(t -> name.equals(t.getString("name"))).findFirst().orElseThrow();
    }
}
