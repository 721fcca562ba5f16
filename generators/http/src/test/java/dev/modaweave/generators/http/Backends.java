package dev.modaweave.generators.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.modaweave.tools.Json;

import java.time.Duration;

/** Test settings shared by the backend tests: WireMock on loopback, short timeouts, a recognisable secret. */
final class Backends {

    /**
     * Generous enough for a first request on a busy machine; tests about timeouts set their own
     * (about 1 s) explicitly.
     */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** The API key every test tool uses; no message may ever contain it. */
    static final String SECRET = "sk-test-secret-4242";

    private Backends() {
    }

    static WireMockServer startWireMock() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .containerThreads(20)
                .asynchronousResponseEnabled(false));
        server.start();
        return server;
    }

    static String baseUrl(WireMockServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    /** Fast polling, a configured key; WireMock is on loopback, so media from it needs allowPrivateAddresses. */
    static <B extends HttpToolSettings.Builder<B>> B testSettings(B builder, WireMockServer server) {
        return testSettings(builder, baseUrl(server));
    }

    /** As {@link #testSettings(HttpToolSettings.Builder, WireMockServer)} for a server at {@code baseUrl}. */
    static <B extends HttpToolSettings.Builder<B>> B testSettings(B builder, String baseUrl) {
        return builder.baseUrl(baseUrl)
                .apiKey(ApiKey.of(SECRET))
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(READ_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .generationTimeout(Duration.ofSeconds(15))
                .allowPrivateAddresses(true);
    }

    static com.fasterxml.jackson.databind.node.ObjectNode args(String json) {
        return (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(json);
    }
}
