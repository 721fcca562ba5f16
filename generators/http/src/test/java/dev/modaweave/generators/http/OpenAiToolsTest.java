package dev.modaweave.generators.http;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
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

class OpenAiToolsTest {

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    private static OpenAiImagesConfig.Builder images() {
        return Backends.testSettings(OpenAiImagesConfig.builder(), wm).name("gpt-image");
    }

    private static String urlAnswer(String host) {
        return "{\"created\":1,\"data\":[{\"url\":\"http://" + host + ":" + wm.port() + "/img/out.png\",\"revised_prompt\":\"a lighthouse at dusk\"}]}";
    }

    @Test
    void generations_send_model_prompt_and_format_with_the_bearer_key() {
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .willReturn(okJson("{\"created\":1,\"data\":[{\"b64_json\":\"" + TestMedia.pngBase64(16, 12) + "\"}]}")));
        var tool = new OpenAiImagesTool(images().model("dall-e-3").size("1024x1792").responseFormat("b64_json").build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a lighthouse\"}")), ProgressListener.NONE);

        assertThat(result.attributes()).containsEntry("width", 16).containsEntry("model", "dall-e-3");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer " + Backends.SECRET))
                .withRequestBody(equalToJson("{\"model\":\"dall-e-3\",\"prompt\":\"a lighthouse\",\"n\":1,\"size\":\"1024x1792\","
                        + "\"response_format\":\"b64_json\"}")));
    }

    @Test
    void a_url_answer_is_fetched_without_the_api_key_when_its_address_is_allowed() {
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations")).willReturn(okJson(urlAnswer("localhost"))));
        wm.stubFor(get(urlPathEqualTo("/img/out.png")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new OpenAiImagesTool(images().responseFormat("url").build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a lighthouse\"}")), ProgressListener.NONE);

        assertThat(result.bytes()).isEqualTo(BackendFixture.PNG);
        assertThat(result.attributes()).containsEntry("revisedPrompt", "a lighthouse at dusk");
        wm.verify(getRequestedFor(urlPathEqualTo("/img/out.png")).withHeader("Authorization", absent()));
    }

    @Test
    void a_url_answer_pointing_at_loopback_is_refused_when_private_addresses_are_not_allowed() {
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations")).willReturn(okJson(urlAnswer("localhost"))));
        wm.stubFor(get(urlPathEqualTo("/img/out.png")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new OpenAiImagesTool(images().allowPrivateAddresses(false).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a lighthouse\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining("media URL on host 'localhost'").hasMessageContaining("loopback address")
                .hasMessageContaining("allowPrivateAddresses: true");
        wm.verify(0, getRequestedFor(urlPathEqualTo("/img/out.png")));
    }

    @Test
    void a_url_answer_on_a_host_outside_the_allowed_media_hosts_is_refused() {
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations")).willReturn(okJson(urlAnswer("localhost"))));
        var tool = new OpenAiImagesTool(images().allowedMediaHosts(Set.of("images.example.com")).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a lighthouse\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining("not in allowedMediaHosts");
    }

    @Test
    void an_edit_is_a_multipart_upload_of_the_image_with_the_prompt() {
        wm.stubFor(post(urlPathEqualTo("/v1/images/edits"))
                .willReturn(okJson("{\"created\":1,\"data\":[{\"b64_json\":\"" + TestMedia.pngBase64(16, 12) + "\"}]}")));
        var tool = new OpenAiImagesTool(images().task("image-edit").build());
        byte[] input = TestMedia.png(8, 8);
        var request = new GenerationRequest("job", Backends.args("{\"prompt\":\"add snow\",\"image\":\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}"),
                Map.of("image", new GenerationRequest.InputArtifact(Automatic1111ToolTest.artifact("image/png", input), input)),
                Cancellation.create());

        tool.generate(request, ProgressListener.NONE);

        wm.verify(postRequestedFor(urlPathEqualTo("/v1/images/edits"))
                .withRequestBodyPart(aMultipart("image").withBody(binaryEqualTo(input)).build())
                .withRequestBodyPart(aMultipart("prompt").withBody(equalTo("add snow")).build())
                .withRequestBodyPart(aMultipart("model").withBody(equalTo("gpt-image-1")).build()));
    }

    @Test
    void speech_sends_text_voice_and_format_and_returns_the_wav() {
        wm.stubFor(post(urlPathEqualTo("/v1/audio/speech")).willReturn(aResponse().withHeader("Content-Type", "audio/wav")
                .withBody(BackendFixture.WAV)));
        var tool = new OpenAiSpeechTool(Backends.testSettings(OpenAiSpeechConfig.builder(), wm).model("gpt-4o-mini-tts").build());

        GenerationResult result = tool.generate(GenerationRequest.of("job",
                Backends.args("{\"text\":\"Hello there.\",\"voice\":\"nova\",\"speed\":1.25}")), ProgressListener.NONE);

        assertThat(result.mimeType()).isEqualTo("audio/wav");
        assertThat(result.bytes()).isEqualTo(BackendFixture.WAV);
        assertThat(tool.descriptor().task()).isEqualTo("text-to-speech");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/audio/speech")).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini-tts\",\"input\":\"Hello there.\",\"voice\":\"nova\",\"response_format\":\"wav\",\"speed\":1.25}")));
    }

    @Test
    void speech_answered_with_an_image_is_refused_as_the_wrong_modality() {
        wm.stubFor(post(urlPathEqualTo("/v1/audio/speech")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new OpenAiSpeechTool(Backends.testSettings(OpenAiSpeechConfig.builder(), wm).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"text\":\"Hi\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(dev.modaweave.tools.InvalidMediaException.class)
                .hasMessageContaining("returned image/png where audio was expected");
    }
}
