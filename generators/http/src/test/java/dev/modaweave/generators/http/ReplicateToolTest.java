package dev.modaweave.generators.http;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicateToolTest {

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    private static ReplicateConfig.Builder config() {
        return Backends.testSettings(ReplicateConfig.builder(), wm).name("painter").model("acme/painter")
                .preferWait(Duration.ofSeconds(1));
    }

    private static String prediction(String id, String status, String output, String logs) {
        return BackendFixture.replicatePrediction(wm, id, status, output).replace("\"logs\": \"\"", "\"logs\": \"" + logs + "\"");
    }

    private static String outputOn(String host, String file) {
        return "\"http://" + host + ":" + wm.port() + "/files/" + file + "\"";
    }

    @Test
    void a_prediction_created_with_prefer_wait_that_succeeds_at_once_returns_its_output() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions"))
                .willReturn(okJson(prediction("r-1", "succeeded", "[" + outputOn("localhost", "out.png") + "]", ""))));
        wm.stubFor(get(urlPathEqualTo("/files/out.png")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new ReplicateTool(config().input((com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"aspect_ratio\":\"16:9\"}")).build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a paper boat\",\"seed\":3}")),
                ProgressListener.NONE);

        assertThat(result.bytes()).isEqualTo(BackendFixture.PNG);
        assertThat(result.attributes()).containsEntry("seed", 3L).containsEntry("model", "acme/painter");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/models/acme/painter/predictions"))
                .withHeader("Prefer", equalTo("wait=1"))
                .withHeader("Authorization", equalTo("Bearer " + Backends.SECRET))
                .withRequestBody(equalToJson("{\"input\":{\"prompt\":\"a paper boat\",\"seed\":3,\"aspect_ratio\":\"16:9\"}}")));
        wm.verify(getRequestedFor(urlPathEqualTo("/files/out.png")).withHeader("Authorization", absent()));
    }

    @Test
    void a_slow_prediction_is_polled_with_progress_from_its_logs_until_it_succeeds() {
        wm.stubFor(post(urlPathEqualTo("/v1/predictions")).willReturn(okJson(prediction("r-2", "starting", "null", ""))));
        wm.stubFor(get(urlPathEqualTo("/v1/predictions/r-2")).inScenario("poll").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(prediction("r-2", "processing", "null", " 45%|####      | 9/20"))).willSetStateTo("done"));
        wm.stubFor(get(urlPathEqualTo("/v1/predictions/r-2")).inScenario("poll").whenScenarioStateIs("done")
                .willReturn(okJson(prediction("r-2", "succeeded", outputOn("127.0.0.1", "clip.mp4"), "100%|"))));
        wm.stubFor(get(urlPathEqualTo("/files/clip.mp4")).willReturn(aResponse().withBody(BackendFixture.MP4)));
        List<String> reports = new CopyOnWriteArrayList<>();
        var tool = new ReplicateTool(config().version("5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa")
                .output(Modality.VIDEO).preferWait(Duration.ZERO).build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a boat\"}")),
                (fraction, message) -> reports.add(fraction + " " + message));

        assertThat(result.mimeType()).isEqualTo("video/mp4");
        assertThat(reports).containsSubsequence("0.0 starting", "0.45 processing 45%", "1.0 done");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/predictions")).withHeader("Prefer", absent())
                .withRequestBody(equalToJson("{\"version\":\"5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa\"}", true, true)));
    }

    @Test
    void an_audio_model_returns_its_wav() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions"))
                .willReturn(okJson(prediction("r-a", "succeeded", outputOn("127.0.0.1", "sound.wav"), ""))));
        wm.stubFor(get(urlPathEqualTo("/files/sound.wav")).willReturn(aResponse().withBody(BackendFixture.WAV)));
        var tool = new ReplicateTool(config().output(Modality.AUDIO).build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"rain\"}")), ProgressListener.NONE);

        assertThat(result.mimeType()).isEqualTo("audio/wav");
        assertThat(tool.descriptor().task()).isEqualTo("text-to-audio");
    }

    @Test
    void a_failed_prediction_reports_replicates_error() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions"))
                .willReturn(okJson(prediction("r-f", "failed", "null", "").replace("\"error\": null", "\"error\": \"CUDA error: out of memory\""))));
        var tool = new ReplicateTool(config().build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(NonRetriableToolException.class)
                .hasMessageContaining("prediction r-f of acme/painter failed: CUDA error: out of memory");
    }

    @Test
    void cancelling_a_running_prediction_calls_its_cancel_url() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions")).willReturn(okJson(prediction("r-c", "processing", "null", ""))));
        wm.stubFor(get(urlPathEqualTo("/v1/predictions/r-c")).willReturn(okJson(prediction("r-c", "processing", "null", " 10%|"))));
        wm.stubFor(post(urlPathEqualTo("/v1/predictions/r-c/cancel")).willReturn(okJson(prediction("r-c", "canceled", "null", ""))));
        var tool = new ReplicateTool(config().build());
        Cancellation cancellation = Cancellation.create();
        var request = new GenerationRequest("job", Backends.args("{\"prompt\":\"a fox\"}"), Map.of(), cancellation);

        assertThatThrownBy(() -> tool.generate(request, (fraction, message) -> {
            if (fraction > 0) {
                cancellation.cancel("stop");
            }
        })).isInstanceOf(ToolCancelledException.class);

        wm.verify(postRequestedFor(urlPathEqualTo("/v1/predictions/r-c/cancel")).withHeader("Authorization", equalTo("Bearer " + Backends.SECRET)));
    }

    @Test
    void a_prediction_that_never_finishes_times_out_after_the_generation_timeout() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions")).willReturn(okJson(prediction("r-t", "starting", "null", ""))));
        wm.stubFor(get(urlPathEqualTo("/v1/predictions/r-t")).willReturn(okJson(prediction("r-t", "processing", "null", ""))));
        var tool = new ReplicateTool(config().generationTimeout(Duration.ofMillis(300)).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(ToolTimeoutException.class)
                .hasMessageContaining("generationTimeout PT0.3S");
    }

    @Test
    void an_output_url_on_loopback_is_refused_when_private_addresses_are_not_allowed() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions"))
                .willReturn(okJson(prediction("r-s", "succeeded", outputOn("localhost", "out.png"), ""))));
        wm.stubFor(get(urlPathEqualTo("/files/out.png")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new ReplicateTool(config().allowPrivateAddresses(false).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining("loopback");
        wm.verify(0, getRequestedFor(urlPathEqualTo("/files/out.png")));
    }

    @Test
    void a_poll_url_on_another_host_is_not_called_with_the_token() {
        wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions")).willReturn(okJson(prediction("r-o", "starting", "null", "")
                .replace("\"get\": \"http://127.0.0.1:", "\"get\": \"http://localhost:"))));
        wm.stubFor(get(urlPathEqualTo("/v1/predictions/r-o"))
                .willReturn(okJson(prediction("r-o", "succeeded", outputOn("127.0.0.1", "out.png"), ""))));
        wm.stubFor(get(urlPathEqualTo("/files/out.png")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new ReplicateTool(config().build());

        tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE);

        wm.verify(getRequestedFor(urlPathEqualTo("/v1/predictions/r-o")).withHeader("Host", equalTo("127.0.0.1:" + wm.port())));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/v1/predictions/r-o")).withHeader("Host", equalTo("localhost:" + wm.port())));
    }
}
