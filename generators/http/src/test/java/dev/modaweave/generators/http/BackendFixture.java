package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolException;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * One backend family as the fault matrix sees it: how to build its tool against WireMock, the
 * stubs of a successful generation, the request that receives status and connection faults, the
 * request that carries the media, and what a wrong-shaped or truncated answer looks like for it.
 *
 * @param name             backend family, shown in test names
 * @param tool             builds the tool against the server with the given readTimeout
 * @param happy            stubs a successful generation
 * @param target           the request faults are put on
 * @param targetResponse   the successful answer of {@code target} (dribbled slowly in the timeout case)
 * @param mediaTarget      the request that returns the media (truncated in that case)
 * @param wrongShape       a successful answer of {@code target} in the wrong shape
 * @param wrongShapeType   what a wrong shape must fail with
 * @param truncated        a truncated answer of {@code mediaTarget}
 * @param arguments        valid call arguments
 * @param expectedMedia    the bytes the happy path returns
 * @param expectedMime     their media type
 */
record BackendFixture(
        String name,
        BiFunction<WireMockServer, Duration, GeneratorTool> tool,
        Consumer<WireMockServer> happy,
        Supplier<MappingBuilder> target,
        Supplier<ResponseDefinitionBuilder> targetResponse,
        Supplier<MappingBuilder> mediaTarget,
        Supplier<ResponseDefinitionBuilder> wrongShape,
        Class<? extends ToolException> wrongShapeType,
        Supplier<ResponseDefinitionBuilder> truncated,
        ObjectNode arguments,
        byte[] expectedMedia,
        String expectedMime) {

    static final byte[] PNG = TestMedia.png(16, 12);
    static final byte[] WAV = TestMedia.wav(200);
    static final byte[] MP4 = TestMedia.mp4();

    @Override
    public String toString() {
        return name;
    }

    /** Base64 cut short so that it no longer decodes. */
    static String brokenBase64(byte[] media) {
        String full = Base64.getEncoder().encodeToString(media);
        return full.substring(0, (full.length() / 2) / 4 * 4 + 1);
    }

    static ObjectNode comfyWorkflow(String saveNode) {
        return (ObjectNode) Json.parse("""
                {"3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": 20, "cfg": 7,
                       "sampler_name": "euler", "scheduler": "normal", "denoise": 1,
                       "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
                 "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry, {{negative_prompt}}", "clip": ["4", 1]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "%s", "inputs": {"filename_prefix": "modaweave", "images": ["8", 0]}}}
                """.formatted(saveNode));
    }

    static String comfyHistory(String promptId, String outputKind, String filename) {
        return """
                {"%s": {"prompt": [], "outputs": {"9": {"%s": [{"filename": "%s", "subfolder": "", "type": "output"}]}},
                        "status": {"status_str": "success", "completed": true, "messages": []}}}
                """.formatted(promptId, outputKind, filename);
    }

    static List<BackendFixture> all() {
        return List.of(automatic1111(), comfyUi(), openAiImages(), openAiSpeech(), replicate(), stability());
    }

    static BackendFixture automatic1111() {
        String png64 = Base64.getEncoder().encodeToString(PNG);
        return new BackendFixture("AUTOMATIC1111",
                (wm, read) -> new Automatic1111Tool(Backends.testSettings(Automatic1111Config.builder(), wm).readTimeout(read).name("sd-a1111").build()),
                wm -> {
                    wm.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img"))
                            .willReturn(okJson("{\"images\":[\"" + png64 + "\"],\"parameters\":{},\"info\":\"{\\\"seed\\\": 1234}\"}")));
                    wm.stubFor(get(urlPathEqualTo("/sdapi/v1/progress"))
                            .willReturn(okJson("{\"progress\":0.5,\"eta_relative\":1.2,\"state\":{\"sampling_step\":10,\"sampling_steps\":20}}")));
                },
                () -> post(urlPathEqualTo("/sdapi/v1/txt2img")),
                () -> okJson("{\"images\":[\"" + png64 + "\"],\"parameters\":{},\"info\":\"{}\"}"),
                () -> post(urlPathEqualTo("/sdapi/v1/txt2img")),
                () -> okJson("{\"detail\":\"done\",\"imgs\":{}}"),
                UnexpectedResponseException.class,
                () -> okJson("{\"images\":[\"" + brokenBase64(PNG) + "\"]}"),
                Backends.args("{\"prompt\":\"a red fox\",\"seed\":1234}"),
                PNG, "image/png");
    }

    static BackendFixture comfyUi() {
        return new BackendFixture("ComfyUI",
                (wm, read) -> new ComfyUiTool(Backends.testSettings(ComfyUiConfig.builder(), wm).readTimeout(read).name("sdxl-comfy")
                        .workflow(comfyWorkflow("SaveImage")).build()),
                wm -> {
                    wm.stubFor(post(urlPathEqualTo("/prompt")).willReturn(okJson("{\"prompt_id\":\"p-1\",\"number\":1,\"node_errors\":{}}")));
                    wm.stubFor(get(urlPathEqualTo("/history/p-1")).willReturn(okJson(comfyHistory("p-1", "images", "modaweave_00001_.png"))));
                    wm.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson("{\"queue_running\":[],\"queue_pending\":[]}")));
                    wm.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));
                },
                () -> get(urlPathEqualTo("/history/p-1")),
                () -> okJson(comfyHistory("p-1", "images", "modaweave_00001_.png")),
                () -> get(urlPathEqualTo("/view")),
                () -> okJson("{\"p-1\": {\"outputs\": \"none\", \"status\": {\"completed\": true}}}"),
                UnexpectedResponseException.class,
                () -> aResponse().withHeader("Content-Type", "image/png").withBody(TestMedia.truncated(PNG)),
                Backends.args("{\"prompt\":\"a red fox\",\"seed\":7,\"width\":512,\"height\":512}"),
                PNG, "image/png");
    }

    static BackendFixture openAiImages() {
        String png64 = Base64.getEncoder().encodeToString(PNG);
        return new BackendFixture("OpenAI images",
                (wm, read) -> new OpenAiImagesTool(Backends.testSettings(OpenAiImagesConfig.builder(), wm).readTimeout(read).name("gpt-image")
                        .responseFormat("b64_json").build()),
                wm -> wm.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                        .willReturn(okJson("{\"created\":1,\"data\":[{\"b64_json\":\"" + png64 + "\"}]}"))),
                () -> post(urlPathEqualTo("/v1/images/generations")),
                () -> okJson("{\"created\":1,\"data\":[{\"b64_json\":\"" + png64 + "\"}]}"),
                () -> post(urlPathEqualTo("/v1/images/generations")),
                () -> okJson("{\"created\":1,\"data\":[{\"image\":\"x\"}]}"),
                UnexpectedResponseException.class,
                () -> okJson("{\"created\":1,\"data\":[{\"b64_json\":\"" + brokenBase64(PNG) + "\"}]}"),
                Backends.args("{\"prompt\":\"a watercolour lighthouse\"}"),
                PNG, "image/png");
    }

    static BackendFixture openAiSpeech() {
        return new BackendFixture("OpenAI speech",
                (wm, read) -> new OpenAiSpeechTool(Backends.testSettings(OpenAiSpeechConfig.builder(), wm).readTimeout(read).name("tts").build()),
                wm -> wm.stubFor(post(urlPathEqualTo("/v1/audio/speech"))
                        .willReturn(aResponse().withHeader("Content-Type", "audio/wav").withBody(WAV))),
                () -> post(urlPathEqualTo("/v1/audio/speech")),
                () -> aResponse().withHeader("Content-Type", "audio/wav").withBody(WAV),
                () -> post(urlPathEqualTo("/v1/audio/speech")),
                () -> okJson("{\"audio\":{\"data\":\"UklGRg==\"}}"),
                InvalidMediaException.class,
                () -> aResponse().withHeader("Content-Type", "audio/wav").withBody(TestMedia.truncated(WAV)),
                Backends.args("{\"text\":\"Hello there.\"}"),
                WAV, "audio/wav");
    }

    static BackendFixture replicate() {
        return new BackendFixture("Replicate",
                (wm, read) -> new ReplicateTool(Backends.testSettings(ReplicateConfig.builder(), wm).readTimeout(read).name("flux")
                        .model("acme/painter").preferWait(Duration.ZERO).build()),
                wm -> {
                    wm.stubFor(post(urlPathEqualTo("/v1/models/acme/painter/predictions"))
                            .willReturn(okJson(replicatePrediction(wm, "r-1", "succeeded", "[\"" + Backends.baseUrl(wm) + "/files/out.png\"]"))));
                    wm.stubFor(get(urlPathEqualTo("/files/out.png")).willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));
                },
                () -> post(urlPathEqualTo("/v1/models/acme/painter/predictions")),
                () -> okJson("{\"id\":\"r-1\",\"status\":\"succeeded\",\"output\":\"/files/out.png\"}"),
                () -> get(urlPathEqualTo("/files/out.png")),
                () -> okJson("{\"prediction\":{\"state\":\"done\"}}"),
                UnexpectedResponseException.class,
                () -> aResponse().withHeader("Content-Type", "image/png").withBody(TestMedia.truncated(PNG)),
                Backends.args("{\"prompt\":\"a paper boat\",\"seed\":3}"),
                PNG, "image/png");
    }

    static String replicatePrediction(WireMockServer wm, String id, String status, String output) {
        String base = Backends.baseUrl(wm);
        return """
                {"id": "%s", "model": "acme/painter", "status": "%s", "output": %s, "error": null,
                 "logs": "", "urls": {"get": "%s/v1/predictions/%s", "cancel": "%s/v1/predictions/%s/cancel"}}
                """.formatted(id, status, output, base, id, base, id);
    }

    static BackendFixture stability() {
        return new BackendFixture("Stability",
                (wm, read) -> new StabilityTool(Backends.testSettings(StabilityConfig.builder(), wm).readTimeout(read).name("sd-core").build()),
                wm -> wm.stubFor(post(urlPathEqualTo("/v2beta/stable-image/generate/core"))
                        .willReturn(aResponse().withHeader("Content-Type", "image/png").withHeader("seed", "77")
                                .withHeader("finish-reason", "SUCCESS").withBody(PNG))),
                () -> post(urlPathEqualTo("/v2beta/stable-image/generate/core")),
                () -> aResponse().withHeader("Content-Type", "image/png").withBody(PNG),
                () -> post(urlPathEqualTo("/v2beta/stable-image/generate/core")),
                () -> okJson("{\"id\":\"abc\",\"artifacts\":[]}"),
                InvalidMediaException.class,
                () -> aResponse().withHeader("Content-Type", "image/png").withBody(TestMedia.truncated(PNG)),
                Backends.args("{\"prompt\":\"a lighthouse\",\"seed\":77}"),
                PNG, "image/png");
    }

    /** The tool with the tests' usual timeouts. */
    GeneratorTool build(WireMockServer wm) {
        return tool.apply(wm, Backends.READ_TIMEOUT);
    }

    Modality modality() {
        return Modality.fromWireName(expectedMime.substring(0, expectedMime.indexOf('/')));
    }
}
