package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolCancelledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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

class ComfyUiToolTest {

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    private static ComfyUiConfig.Builder config(JsonNode workflow) {
        return Backends.testSettings(ComfyUiConfig.builder(), wm).name("comfy").workflow(workflow);
    }

    private static void queueAccepts(String promptId) {
        wm.stubFor(post(urlPathEqualTo("/prompt")).willReturn(okJson("{\"prompt_id\":\"" + promptId + "\",\"number\":3,\"node_errors\":{}}")));
        wm.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson("{\"queue_running\":[],\"queue_pending\":[]}")));
    }

    @Test
    void the_workflow_is_queued_with_every_placeholder_filled_as_a_value_of_the_right_type() {
        queueAccepts("p-1");
        wm.stubFor(get(urlPathEqualTo("/history/p-1")).willReturn(okJson(BackendFixture.comfyHistory("p-1", "images", "out.png"))));
        wm.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).negativePrompt("text").build());

        GenerationResult result = tool.generate(GenerationRequest.of("job",
                Backends.args("{\"prompt\":\"a \\\"quoted\\\" fox\\\"}, {\\\"evil\\\": 1\",\"seed\":7,\"width\":768}")), ProgressListener.NONE);

        assertThat(result.mimeType()).isEqualTo("image/png");
        assertThat(result.attributes()).containsEntry("seed", 7L).containsEntry("width", 16);
        var posted = Json.parse(wm.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0).getBodyAsString());
        JsonNode workflow = posted.path("prompt");
        assertThat(workflow.at("/6/inputs/text").asText()).isEqualTo("a \"quoted\" fox\"}, {\"evil\": 1");
        assertThat(workflow.at("/3/inputs/seed").isIntegralNumber()).isTrue();
        assertThat(workflow.at("/3/inputs/seed").asLong()).isEqualTo(7);
        assertThat(workflow.at("/5/inputs/width").asInt()).isEqualTo(768);
        assertThat(workflow.at("/5/inputs/height").asInt()).isEqualTo(1024);
        assertThat(workflow.at("/7/inputs/text").asText()).isEqualTo("blurry, text");
        assertThat(posted.path("client_id").asText()).isNotBlank();
        wm.verify(getRequestedFor(urlPathEqualTo("/view")).withQueryParam("filename", equalTo("out.png"))
                .withQueryParam("subfolder", equalTo("")).withQueryParam("type", equalTo("output")));
    }

    @Test
    void history_is_polled_until_the_prompt_has_run_and_the_queue_state_is_reported() {
        queueAccepts("p-2");
        wm.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson("{\"queue_running\":[[3,\"p-2\",{},{},[]]],\"queue_pending\":[]}")));
        wm.stubFor(get(urlPathEqualTo("/history/p-2")).inScenario("run").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{}")).willSetStateTo("half"));
        wm.stubFor(get(urlPathEqualTo("/history/p-2")).inScenario("run").whenScenarioStateIs("half")
                .willReturn(okJson("{}")).willSetStateTo("done"));
        wm.stubFor(get(urlPathEqualTo("/history/p-2")).inScenario("run").whenScenarioStateIs("done")
                .willReturn(okJson(BackendFixture.comfyHistory("p-2", "images", "out.png"))));
        wm.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        List<String> reports = new CopyOnWriteArrayList<>();
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).build());

        tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), (f, m) -> reports.add(m));

        assertThat(reports).containsSubsequence("queued", "running", "done");
        wm.verify(3, getRequestedFor(urlPathEqualTo("/history/p-2")));
    }

    @Test
    void a_video_workflow_returns_the_mp4_its_combine_node_saved() {
        queueAccepts("p-v");
        wm.stubFor(get(urlPathEqualTo("/history/p-v")).willReturn(okJson("""
                {"p-v": {"outputs": {"9": {"images": [{"filename": "preview.png", "subfolder": "", "type": "temp"}]},
                                     "12": {"gifs": [{"filename": "clip_00001.mp4", "subfolder": "video", "type": "output",
                                                      "format": "video/h264-mp4"}]}},
                         "status": {"status_str": "success", "completed": true, "messages": []}}}""")));
        wm.stubFor(get(urlPathEqualTo("/view")).withQueryParam("filename", equalTo("clip_00001.mp4"))
                .withQueryParam("subfolder", equalTo("video")).willReturn(aResponse().withBody(BackendFixture.MP4)));
        var workflow = BackendFixture.comfyWorkflow("VHS_VideoCombine");
        ((com.fasterxml.jackson.databind.node.ObjectNode) workflow.at("/5/inputs")).put("batch_size", "{{frames}}");
        var tool = new ComfyUiTool(config(workflow).output(Modality.VIDEO).frames(24).build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a boat\",\"frames\":12}")),
                ProgressListener.NONE);

        assertThat(tool.descriptor().task()).isEqualTo("text-to-video");
        assertThat(result.mimeType()).isEqualTo("video/mp4");
        assertThat(result.bytes()).isEqualTo(BackendFixture.MP4);
        assertThat(result.attributes()).containsEntry("frames", 12);
        var posted = Json.parse(wm.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0).getBodyAsString());
        assertThat(posted.at("/prompt/5/inputs/batch_size").asInt()).isEqualTo(12);
    }

    @Test
    void an_audio_workflow_returns_the_wav_it_saved() {
        queueAccepts("p-a");
        wm.stubFor(get(urlPathEqualTo("/history/p-a")).willReturn(okJson(BackendFixture.comfyHistory("p-a", "audio", "rain_00001.wav"))));
        wm.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(BackendFixture.WAV)));
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveAudio")).output(Modality.AUDIO).build());

        GenerationResult result = tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"rain\"}")), ProgressListener.NONE);

        assertThat(tool.descriptor().task()).isEqualTo("text-to-audio");
        assertThat(result.mimeType()).isEqualTo("audio/wav");
    }

    @Test
    void an_edit_workflow_uploads_the_input_image_and_names_it_in_the_workflow() {
        queueAccepts("p-e");
        wm.stubFor(post(urlPathEqualTo("/upload/image"))
                .willReturn(okJson("{\"name\":\"modaweave-000000.png\",\"subfolder\":\"uploads\",\"type\":\"input\"}")));
        wm.stubFor(get(urlPathEqualTo("/history/p-e")).willReturn(okJson(BackendFixture.comfyHistory("p-e", "images", "out.png"))));
        wm.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(BackendFixture.PNG)));
        var workflow = BackendFixture.comfyWorkflow("SaveImage");
        workflow.putObject("10").put("class_type", "LoadImage").putObject("inputs").put("image", "{{image}}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) workflow.at("/3/inputs")).put("denoise", "{{strength}}");
        var tool = new ComfyUiTool(config(workflow).task("image-edit").build());
        byte[] input = TestMedia.png(8, 8);
        var request = new GenerationRequest("job",
                Backends.args("{\"prompt\":\"winter\",\"image\":\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\",\"strength\":0.4}"),
                Map.of("image", new GenerationRequest.InputArtifact(Automatic1111ToolTest.artifact("image/png", input), input)),
                Cancellation.create());

        tool.generate(request, ProgressListener.NONE);

        wm.verify(postRequestedFor(urlPathEqualTo("/upload/image"))
                .withRequestBodyPart(aMultipart("image").withBody(binaryEqualTo(input)).build())
                .withRequestBodyPart(aMultipart("type").withBody(equalTo("input")).build()));
        var posted = Json.parse(wm.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0).getBodyAsString());
        assertThat(posted.at("/prompt/10/inputs/image").asText()).isEqualTo("uploads/modaweave-000000.png");
        assertThat(posted.at("/prompt/3/inputs/denoise").asDouble()).isEqualTo(0.4);
        assertThat(tool.descriptor().argumentsSchema().at("/required").toString()).contains("image");
    }

    @Test
    void a_workflow_that_fails_in_comfyui_reports_the_node_error() {
        queueAccepts("p-x");
        wm.stubFor(get(urlPathEqualTo("/history/p-x")).willReturn(okJson("""
                {"p-x": {"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [
                   ["execution_start", {"prompt_id": "p-x"}],
                   ["execution_error", {"prompt_id": "p-x", "node_type": "CheckpointLoaderSimple",
                                        "exception_message": "ckpt_name 'sd_xl_base_1.0.safetensors' not found"}]]}}}""")));
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(NonRetriableToolException.class)
                .hasMessageContaining("CheckpointLoaderSimple: ckpt_name 'sd_xl_base_1.0.safetensors' not found");
    }

    @Test
    void a_workflow_without_an_output_of_the_configured_kind_names_what_it_produced() {
        queueAccepts("p-n");
        wm.stubFor(get(urlPathEqualTo("/history/p-n")).willReturn(okJson(BackendFixture.comfyHistory("p-n", "images", "frame.png"))));
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).output(Modality.VIDEO).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(UnexpectedResponseException.class)
                .hasMessageContaining("without a saved video file").hasMessageContaining("9:frame.png");
    }

    @Test
    void node_errors_from_the_queue_are_argument_errors_with_comfyuis_message() {
        wm.stubFor(post(urlPathEqualTo("/prompt")).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"prompt_outputs_failed_validation\",\"message\":\"Prompt outputs failed validation\"},"
                        + "\"node_errors\":{}}")));
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).build());

        assertThatThrownBy(() -> tool.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(InvalidArgumentsException.class)
                .hasMessageContaining("Prompt outputs failed validation");
    }

    @Test
    void cancelling_a_queued_prompt_deletes_it_from_the_queue_and_interrupts_it() {
        queueAccepts("p-c");
        wm.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson("{\"queue_running\":[],\"queue_pending\":[[4,\"p-c\",{},{},[]]]}")));
        wm.stubFor(get(urlPathEqualTo("/history/p-c")).willReturn(okJson("{}")));
        wm.stubFor(post(urlPathEqualTo("/queue")).willReturn(okJson("{}")));
        wm.stubFor(post(urlPathEqualTo("/interrupt")).willReturn(okJson("{}")));
        var tool = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).build());
        Cancellation cancellation = Cancellation.create();
        var request = new GenerationRequest("job", Backends.args("{\"prompt\":\"a fox\"}"), Map.of(), cancellation);

        assertThatThrownBy(() -> tool.generate(request, (fraction, message) -> {
            if (message.startsWith("queued, position")) {
                cancellation.cancel("turn cancelled");
            }
        })).isInstanceOf(ToolCancelledException.class);

        wm.verify(postRequestedFor(urlPathEqualTo("/queue")).withRequestBody(equalToJson("{\"delete\":[\"p-c\"]}")));
        wm.verify(postRequestedFor(urlPathEqualTo("/interrupt")).withRequestBody(equalToJson("{\"prompt_id\":\"p-c\"}")));
    }

    @Test
    void a_redirect_from_view_to_another_loopback_origin_is_refused_unless_private_addresses_are_allowed() {
        queueAccepts("p-r");
        wm.stubFor(get(urlPathEqualTo("/history/p-r")).willReturn(okJson(BackendFixture.comfyHistory("p-r", "images", "out.png"))));
        wm.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + wm.port() + "/files/out.png")));
        wm.stubFor(get(urlPathEqualTo("/files/out.png")).willReturn(aResponse().withBody(BackendFixture.PNG)));

        var guarded = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).allowPrivateAddresses(false).build());
        assertThatThrownBy(() -> guarded.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE))
                .isExactlyInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining("redirect target on host 'localhost'").hasMessageContaining("loopback")
                .hasMessageContaining("allowPrivateAddresses");
        wm.verify(0, getRequestedFor(urlPathEqualTo("/files/out.png")));

        var open = new ComfyUiTool(config(BackendFixture.comfyWorkflow("SaveImage")).allowPrivateAddresses(true).build());
        GenerationResult result = open.generate(GenerationRequest.of("job", Backends.args("{\"prompt\":\"a fox\"}")), ProgressListener.NONE);
        assertThat(result.bytes()).isEqualTo(BackendFixture.PNG);
        wm.verify(getRequestedFor(urlPathEqualTo("/files/out.png")).withHeader("Authorization", absent()));
        wm.verify(getRequestedFor(urlPathEqualTo("/view")).withHeader("Authorization", equalTo("Bearer " + Backends.SECRET)));
    }
}
