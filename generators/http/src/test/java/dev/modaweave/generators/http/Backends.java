package dev.modaweave.generators.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

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
        WireMockServer server = new WireMockServer(wireMockOptions());
        server.start();
        return server;
    }

    private static WireMockConfiguration wireMockOptions() {
        return WireMockConfiguration.options()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .containerThreads(20)
                .asynchronousResponseEnabled(false);
    }

    /**
     * A WireMock server on a loopback port for one test class: {@code @RegisterExtension static final
     * Backends.Server wm = new Backends.Server();} starts it before the class, forgets every stub and
     * request after each test, and stops it after the class.
     */
    static final class Server extends WireMockServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
        Server() {
            super(wireMockOptions());
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            start();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            resetAll();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            stop();
        }
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
