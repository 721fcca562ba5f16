package dev.modaweave.generators.http;

import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.generators.http.internal.ToolSupport;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ReachabilityProbe;
import dev.modaweave.tools.ToolDescriptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the six HTTP generator tools share: the settings they were made with, the one client they talk
 * to their backend through, their descriptor, and a reachability probe that opens (and closes) a TCP
 * connection to the configured {@code baseUrl}, so that a backend that is down shows as
 * {@code unreachable} before a call fails on it.
 *
 * @param <C> the backend's settings record
 */
public abstract sealed class HttpGeneratorTool<C> implements GeneratorTool, ReachabilityProbe
        permits Automatic1111Tool, ComfyUiTool, OpenAiImagesTool, OpenAiSpeechTool, ReplicateTool, StabilityTool {

    final C config;
    final BackendClient client;
    final ToolSupport support;

    HttpGeneratorTool(C config, BackendClient client, ToolDescriptor descriptor) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.support = new ToolSupport(descriptor);
    }

    /** The settings this tool was made with. */
    public final C config() {
        return config;
    }

    @Override
    public final ToolDescriptor descriptor() {
        return support.descriptor();
    }

    @Override
    public Optional<String> probe(Duration timeout) {
        URI base = client.settings().baseUrl();
        int port = base.getPort() != -1 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
        String where = base.getHost() + ":" + port;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), port), (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(client.backend() + " at " + where + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
