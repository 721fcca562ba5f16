package dev.modaweave.generators.http;

import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.ToolAuthenticationException;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Automatic1111ToolTest {

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    private static Automatic1111Config.Builder config() {
        return Backends.testSettings(Automatic1111Config.builder(), wm).name("sd-a1111");
    }

    private static String images() {
        return "{\"images\":[\"" + TestMedia.pngBase64(16, 12) + "\"],\"parameters\":{},\"info\":\"{\\\"seed\\\": 1234}\"}";
    }

    @Test
    void txt2img_sends_prompt_seed_size_and_settings_and_returns_the_png_with_its_size_and_seed() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(images())));
        var tool = new Automatic1111Tool(config().apiKey(ApiKey.of("user:pass")).checkpoint("sdxl.safetensors").steps(25).build());

        GenerationResult result = tool.generate(GenerationRequest.of("job",
                Backends.args("{\"prompt\":\"a red fox\",\"seed\":1234,\"width\":768,\"height\":512}")), ProgressListener.NONE);

        assertThat(result.mimeType()).isEqualTo("image/png");
        assertThat(result.attributes()).containsEntry("width", 16).containsEntry("height", 12).containsEntry("seed", 1234L);
        wm.verify(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes())))
                .withRequestBody(equalToJson("{\"prompt\":\"a red fox\",\"seed\":1234,\"width\":768,\"height\":512,\"steps\":25,"
                        + "\"sampler_name\":\"Euler a\",\"override_settings\":{\"sd_model_checkpoint\":\"sdxl.safetensors\"}}", true, true)));
    }

    @Test
    void an_edit_goes_to_img2img_with_the_input_image_and_denoising_strength() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/img2img")).willReturn(okJson(images())));
        var tool = new Automatic1111Tool(config().task("image-edit").build());
        byte[] input = TestMedia.png(8, 8);
        var request = new GenerationRequest("job",
                Backends.args("{\"prompt\":\"make it winter\",\"image\":\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\",\"strength\":0.35}"),
                Map.of("image", new GenerationRequest.InputArtifact(artifact("image/png", input), input)), Cancellation.create());

        tool.generate(request, ProgressListener.NONE);

        wm.verify(postRequestedFor(urlPathEqualTo("/sdapi/v1/img2img"))
                .withRequestBody(matchingJsonPath("$.denoising_strength", equalTo("0.35")))
                .withRequestBody(matchingJsonPath("$.init_images[0]", equalTo(Base64.getEncoder().encodeToString(input)))));
        assertThat(tool.descriptor().inputModalities()).hasSize(2);
    }

    @Test
    void progress_is_polled_while_the_generation_runs() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(images()).withFixedDelay(800)));
        wm.stubFor(get(urlPathEqualTo("/sdapi/v1/progress"))
                .willReturn(okJson("{\"progress\":0.5,\"state\":{\"sampling_step\":10,\"sampling_steps\":20}}")));
        List<String> reports = new CopyOnWriteArrayList<>();
        var tool = new Automatic1111Tool(config().build());

        tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")),
                (fraction, message) -> reports.add(fraction + " " + message));

        assertThat(reports).contains("0.5 step 10/20").last().isEqualTo("1.0 done");
    }

    @Test
    void cancelling_aborts_the_request_in_flight_and_interrupts_the_server() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(images()).withFixedDelay(10_000)));
        wm.stubFor(get(urlPathEqualTo("/sdapi/v1/progress")).willReturn(okJson("{\"progress\":0.2,\"state\":{}}")));
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/interrupt")).willReturn(okJson("{}")));
        var tool = new Automatic1111Tool(config().readTimeout(Duration.ofSeconds(30)).generationTimeout(Duration.ofSeconds(30)).build());
        Cancellation cancellation = Cancellation.create();
        var request = new GenerationRequest("job", Backends.args("{\"prompt\":\"a fox\"}"), Map.of(), cancellation);

        assertThatThrownBy(() -> tool.generate(request, (fraction, message) -> {
            if (fraction > 0) {
                cancellation.cancel("user pressed stop");
            }
        })).isInstanceOf(ToolCancelledException.class).hasMessageContaining("user pressed stop");

        wm.verify(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")));
    }

    @Test
    void an_answer_over_the_size_cap_is_refused_whether_its_length_is_announced_or_not() {
        var tool = new Automatic1111Tool(config().maxDownloadBytes(200).build());
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(images())));
        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(InvalidMediaException.class)
                .hasMessageContaining("more than 200 bytes").hasMessageContaining("maxDownloadBytes");

        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(images()).withChunkedDribbleDelay(4, 100)));
        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(InvalidMediaException.class)
                .hasMessageContaining("more than 200 bytes");
    }

    @Test
    void base64_that_decodes_to_a_cut_png_is_refused_as_damaged() {
        String full = TestMedia.pngBase64(16, 12);
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img"))
                .willReturn(okJson("{\"images\":[\"" + full.substring(0, full.length() / 2 / 4 * 4) + "\"]}")));
        var tool = new Automatic1111Tool(config().build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(InvalidMediaException.class)
                .hasMessageContaining("damaged image/png").hasMessageContaining("IEND");
    }

    @Test
    void a_503_with_an_http_date_retry_after_is_retriable_after_the_time_until_that_date() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT").withBody("queue full")));
        Clock clock = Clock.fixed(Instant.parse("2026-10-21T07:27:30Z"), ZoneOffset.UTC);
        Automatic1111Config config = config().build();
        var tool = new Automatic1111Tool(config,
                new BackendClient("AUTOMATIC1111", config.http(), BackendClient.Auth.BASIC, clock, host -> new java.net.InetAddress[0]));

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(ToolUnavailableException.class)
                .hasMessageContaining("HTTP 503").hasMessageContaining("queue full").hasMessageContaining("retry after 30 s")
                .satisfies(e -> assertThat(((RetriableToolException) e).retryAfter()).contains(Duration.ofSeconds(30)));
    }

    @Test
    void a_403_without_a_configured_key_says_which_settings_to_set() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(403).withBody("Forbidden")));
        var tool = new Automatic1111Tool(config().apiKey(ApiKey.fromEnv("A1111_AUTH", name -> null)).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(ToolAuthenticationException.class)
                .hasMessageContaining("no API key was sent (environment variable A1111_AUTH (not set))")
                .hasMessageContaining("apiKeyEnv");
    }

    @Test
    void a_422_is_an_argument_error_quoting_the_backend_detail() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"detail\":[{\"loc\":[\"body\",\"sampler_name\"],\"msg\":\"Sampler not found: Euler z\",\"type\":\"value_error\"}]}")));
        var tool = new Automatic1111Tool(config().sampler("Euler z").build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(InvalidArgumentsException.class)
                .hasMessageContaining("HTTP 422").hasMessageContaining("Sampler not found: Euler z");
    }

    @Test
    void an_api_request_answered_with_a_redirect_is_not_followed() {
        wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://169.254.169.254/latest/meta-data/")));
        var tool = new Automatic1111Tool(config().build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(UnexpectedResponseException.class)
                .hasMessageContaining("HTTP 302").hasMessageContaining("not redirected");
        // the progress poller may have asked /sdapi/v1/progress meanwhile; the generation request went out once
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).hasSize(1);
        assertThat(wm.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getUrl()).startsWith("/sdapi/v1/"));
    }

    static Artifact artifact(String mime, byte[] bytes) {
        return new Artifact("art_aaaaaaaaaaaaaaaaaaaaaaaaaa", mime, bytes.length, "0".repeat(64), Map.of(), "upload",
                Json.object(), List.of(), Instant.EPOCH);
    }
}
