package dev.modaweave.generators.http;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StabilityToolTest {

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    private static StabilityConfig.Builder config() {
        return Backends.testSettings(StabilityConfig.builder(), wm).name("stability");
    }

    @Test
    void generate_posts_a_multipart_form_asking_for_an_image_and_reports_the_servers_seed() {
        wm.stubFor(post(urlPathEqualTo("/v2beta/stable-image/generate/ultra")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withHeader("seed", "991").withHeader("finish-reason", "SUCCESS")
                .withBody(BackendFixture.PNG)));
        var tool = new StabilityTool(config().service("ultra").aspectRatio("16:9").build());

        GenerationResult result = tool.generate(GenerationRequest.of("job",
                Backends.args("{\"prompt\":\"a lighthouse\",\"negative_prompt\":\"fog\",\"seed\":5}")), ProgressListener.NONE);

        assertThat(result.attributes()).containsEntry("seed", 991L).containsEntry("width", 16);
        wm.verify(postRequestedFor(urlPathEqualTo("/v2beta/stable-image/generate/ultra"))
                .withHeader("Accept", equalTo("image/*"))
                .withHeader("Content-Type", containing("multipart/form-data; boundary="))
                .withRequestBodyPart(aMultipart("prompt").withBody(equalTo("a lighthouse")).build())
                .withRequestBodyPart(aMultipart("negative_prompt").withBody(equalTo("fog")).build())
                .withRequestBodyPart(aMultipart("seed").withBody(equalTo("5")).build())
                .withRequestBodyPart(aMultipart("aspect_ratio").withBody(equalTo("16:9")).build())
                .withRequestBodyPart(aMultipart("output_format").withBody(equalTo("png")).build()));
    }

    @Test
    void an_edit_uses_sd3_image_to_image_with_strength() {
        wm.stubFor(post(urlPathEqualTo("/v2beta/stable-image/generate/sd3")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new StabilityTool(config().service("sd3").task("image-edit").build());
        byte[] input = TestMedia.png(8, 8);
        var request = new GenerationRequest("job",
                Backends.args("{\"prompt\":\"add snow\",\"image\":\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\",\"strength\":0.3}"),
                Map.of("image", new GenerationRequest.InputArtifact(Automatic1111ToolTest.artifact("image/png", input), input)),
                Cancellation.create());

        tool.generate(request, ProgressListener.NONE);

        wm.verify(postRequestedFor(urlPathEqualTo("/v2beta/stable-image/generate/sd3"))
                .withRequestBodyPart(aMultipart("mode").withBody(equalTo("image-to-image")).build())
                .withRequestBodyPart(aMultipart("strength").withBody(equalTo("0.3")).build())
                .withRequestBodyPart(aMultipart("image").withBody(binaryEqualTo(input)).build()));
    }

    @Test
    void an_edit_tool_on_a_service_without_image_to_image_is_refused_at_configuration() {
        assertThatIllegalArgumentException().isThrownBy(() -> config().service("core").task("image-edit").build())
                .withMessageContaining("needs service sd3");
    }

    @Test
    void a_result_blocked_by_the_content_filter_is_an_error_not_an_image() {
        wm.stubFor(post(urlPathEqualTo("/v2beta/stable-image/generate/core")).willReturn(aResponse()
                .withHeader("finish-reason", "CONTENT_FILTERED").withBody(BackendFixture.PNG)));
        var tool = new StabilityTool(config().build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"x\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(NonRetriableToolException.class)
                .hasMessageContaining("content filter");
    }

    @Test
    void a_400_quotes_stabilitys_error_list() {
        wm.stubFor(post(urlPathEqualTo("/v2beta/stable-image/generate/core")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"e1\",\"name\":\"bad_request\",\"errors\":[\"prompt: cannot be empty\"]}")));
        var tool = new StabilityTool(config().build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"x\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(dev.modaweave.tools.InvalidArgumentsException.class)
                .hasMessageContaining("prompt: cannot be empty");
    }
}
