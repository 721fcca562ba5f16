package dev.modaweave.generators.http.internal;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.modaweave.generators.http.ApiKey;
import dev.modaweave.generators.http.HttpToolSettings;
import dev.modaweave.generators.http.UnexpectedResponseException;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendClientTest {

    private static WireMockServer wm;

    @BeforeAll
    static void start() {
        wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @AfterEach
    void reset() {
        wm.resetAll();
    }

    private static HttpToolSettings settings(String baseUrl) {
        return new HttpToolSettings("probe", "text-to-image", 1, URI.create(baseUrl), ApiKey.of("k-123"),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofSeconds(5),
                1024 * 1024, false, Set.of());
    }

    private static BackendClient client() {
        return new BackendClient("Probe", settings("http://127.0.0.1:" + wm.port()), BackendClient.Auth.BEARER);
    }

    @Test
    void a_relative_redirect_on_the_base_origin_is_followed_with_the_key() {
        wm.stubFor(get(urlPathEqualTo("/a")).willReturn(aResponse().withStatus(307).withHeader("Location", "/b")));
        wm.stubFor(get(urlPathEqualTo("/b")).willReturn(aResponse().withBody("payload")));
        BackendClient client = client();

        byte[] body = client.download(client.start(Cancellation.create()), client.uri("/a"));

        assertThat(new String(body)).isEqualTo("payload");
        wm.verify(getRequestedFor(urlPathEqualTo("/b")).withHeader("Authorization", equalTo("Bearer k-123")));
    }

    @Test
    void a_redirect_loop_stops_after_five_hops() {
        wm.stubFor(get(urlPathEqualTo("/loop")).willReturn(aResponse().withStatus(302).withHeader("Location", "/loop")));
        BackendClient client = client();

        assertThatThrownBy(() -> client.download(client.start(Cancellation.create()), client.uri("/loop")))
                .isExactlyInstanceOf(UnexpectedResponseException.class)
                .hasMessageContaining("more than 5 times");
        wm.verify(6, getRequestedFor(urlPathEqualTo("/loop")));
    }

    @Test
    void a_port_where_nothing_listens_is_reported_as_unavailable_with_a_hint() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        BackendClient client = new BackendClient("Probe", settings("http://127.0.0.1:" + freePort), BackendClient.Auth.BEARER);

        assertThatThrownBy(() -> client.getJson(client.start(Cancellation.create()), client.uri("/x")))
                .isExactlyInstanceOf(ToolUnavailableException.class)
                .hasMessageContaining("nothing accepts connections at http://127.0.0.1:" + freePort)
                .hasMessageContaining("baseUrl");
    }

    @Test
    void notifications_to_another_origin_are_never_sent() {
        wm.stubFor(get(anyUrl()).willReturn(aResponse().withBody("{}")));
        BackendClient client = client();

        client.notifyQuietly("POST", URI.create("http://localhost:" + wm.port() + "/cancel"), null);

        wm.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void a_call_that_was_cancelled_before_it_started_sends_nothing() {
        BackendClient client = client();
        Cancellation cancellation = Cancellation.create();
        cancellation.cancel("gone");

        assertThatThrownBy(() -> client.start(cancellation)).isInstanceOf(ToolCancelledException.class);
        wm.verify(0, anyRequestedFor(anyUrl()));
    }
}
