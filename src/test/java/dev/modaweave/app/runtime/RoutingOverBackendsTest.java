package dev.modaweave.app.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.modaweave.agent.AgentEvents;
import dev.modaweave.agent.RoutingCatalog;
import dev.modaweave.agent.UserInput;
import dev.modaweave.generators.http.ApiKey;
import dev.modaweave.generators.http.Automatic1111Config;
import dev.modaweave.generators.http.Automatic1111Tool;
import dev.modaweave.generators.http.ComfyUiConfig;
import dev.modaweave.generators.http.ComfyUiTool;
import dev.modaweave.generators.http.HttpToolSettings;
import dev.modaweave.generators.http.OpenAiImagesConfig;
import dev.modaweave.generators.http.OpenAiImagesTool;
import dev.modaweave.generators.local.PreviewImageTool;
import dev.modaweave.generators.local.PreviewVideoTool;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls by task, ModaVerse lines and named calls reach configured backends that speak the real wire
 * formats (AUTOMATIC1111, ComfyUI, OpenAI images, stood in by WireMock on loopback) through the whole
 * runtime; previews only serve what no backend serves, and with previews off such a task has no tool.
 */
class RoutingOverBackendsTest {

    @TempDir
    Path dir;
    final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    final List<JsonObject> events = new CopyOnWriteArrayList<>();
    AgentRuntime runtime;

    @BeforeEach
    void startBackends() throws Exception {
        server.start();
        String png64 = Base64.getEncoder().encodeToString(png());
        server.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img"))
                .willReturn(okJson("{\"images\":[\"" + png64 + "\"],\"parameters\":{},\"info\":\"{\\\"seed\\\": 1}\"}")));
        server.stubFor(get(urlPathEqualTo("/sdapi/v1/progress")).willReturn(okJson("{\"progress\":0.5,\"state\":{}}")));
        server.stubFor(post(urlPathEqualTo("/prompt")).willReturn(okJson("{\"prompt_id\":\"p-1\",\"number\":1,\"node_errors\":{}}")));
        server.stubFor(get(urlPathEqualTo("/history/p-1")).willReturn(okJson("""
                {"p-1": {"prompt": [], "outputs": {"9": {"images": [{"filename": "m_00001_.png", "subfolder": "", "type": "output"}]}},
                         "status": {"status_str": "success", "completed": true, "messages": []}}}""")));
        server.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson("{\"queue_running\":[],\"queue_pending\":[]}")));
        server.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        server.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .willReturn(okJson("{\"created\":1,\"data\":[{\"b64_json\":\"" + png64 + "\"}]}")));
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        server.stop();
    }

    private static byte[] png() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB), "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private <B extends HttpToolSettings.Builder<B>> B settings(B builder) {
        return builder.baseUrl("http://127.0.0.1:" + server.port()).apiKey(ApiKey.of("sk-test"))
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .generationTimeout(Duration.ofSeconds(15)).allowPrivateAddresses(true);
    }

    private List<GeneratorTool> backends() {
        ObjectNode workflow = (ObjectNode) Json.parse("""
                {"3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": 20, "cfg": 7, "sampler_name": "euler",
                       "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
                       "latent_image": ["5", 0]}},
                 "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "m", "images": ["8", 0]}}}""");
        return List.of(
                new Automatic1111Tool(settings(Automatic1111Config.builder()).name("sd-a1111").build()),
                prioritised(new ComfyUiTool(settings(ComfyUiConfig.builder()).name("sdxl-comfy").workflow(workflow).build()), 2),
                prioritised(new OpenAiImagesTool(settings(OpenAiImagesConfig.builder()).name("gpt-image").responseFormat("b64_json").build()), 1));
    }

    /** A configured tool with a routing priority, as the configuration's {@code priority:} key sets it. */
    private static GeneratorTool prioritised(GeneratorTool tool, int priority) {
        ToolDescriptor descriptor = tool.descriptor().withPriority(priority);
        return new GeneratorTool() {
            @Override
            public ToolDescriptor descriptor() {
                return descriptor;
            }

            @Override
            public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
                return tool.generate(request, progress);
            }

            @Override
            public void close() {
                tool.close();
            }
        };
    }

    private JsonObject turn(RoutingCatalog.Previews previews, List<GeneratorTool> tools, String text) throws Exception {
        runtime = AgentRuntime.builder().storeRoot(dir.resolve("store")).model(new DirectReplyModel()).tools(tools).previews(previews).start();
        return runtime.agent().turn("s", UserInput.text(text), events::add).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private List<JsonObject> ofType(String type) {
        return events.stream().filter(e -> e.getString("type").equals(type)).toList();
    }

    private String toolOf(String callId) {
        return ofType(AgentEvents.ARTIFACT).stream().filter(e -> e.getString("callId").equals(callId)).findFirst()
                .map(e -> e.getString("tool")).orElse("(no artifact for " + callId + ": " + events + ")");
    }

    @Test
    void calls_by_task_and_modaverse_lines_reach_the_configured_backends_not_the_preview() throws Exception {
        List<GeneratorTool> tools = new java.util.ArrayList<>(backends());
        tools.add(new PreviewImageTool());
        JsonObject last = turn(RoutingCatalog.Previews.AUTO, tools, """
                <meta>{"id":"plain","task":"text-to-image","args":{"prompt":"a fox"}}</meta>
                <meta>{"id":"detailed","task":"text-to-image","args":{"prompt":"a fox","negative_prompt":"blurry","steps":30}}</meta>
                <meta>{"id":"named","tool":"gpt-image","args":{"prompt":"a lighthouse"}}</meta>
                Sure! Modality: [IMAGE] Prompt: a red kite
                """);

        assertThat(last.getString("type")).as(events.toString()).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(toolOf("plain")).as("the highest priority among the tools that accept it").isEqualTo("sdxl-comfy");
        assertThat(toolOf("detailed")).as("only AUTOMATIC1111 takes steps").isEqualTo("sd-a1111");
        assertThat(toolOf("named")).isEqualTo("gpt-image");
        assertThat(toolOf("call4")).as("the ModaVerse line after prose").isEqualTo("sdxl-comfy");
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).extracting(e -> e.getString("tool")).doesNotContain(PreviewImageTool.NAME);
        server.verify(1, postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")).withRequestBody(containing("\"steps\":30")));
        server.verify(2, postRequestedFor(urlPathEqualTo("/prompt")));
        server.verify(1, postRequestedFor(urlPathEqualTo("/v1/images/generations")).withRequestBody(containing("a lighthouse")));
    }

    @Test
    void a_preview_serves_only_a_task_no_backend_serves() throws Exception {
        List<GeneratorTool> tools = new java.util.ArrayList<>(backends());
        tools.add(new PreviewVideoTool());
        JsonObject last = turn(RoutingCatalog.Previews.AUTO, tools,
                "<meta>{\"id\":\"clip\",\"task\":\"text-to-video\",\"args\":{\"prompt\":\"waves\"}}</meta>");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(toolOf("clip")).isEqualTo(PreviewVideoTool.NAME);
    }

    @Test
    void with_previews_off_a_task_only_a_preview_serves_has_no_tool_and_the_agent_says_so() throws Exception {
        List<GeneratorTool> tools = new java.util.ArrayList<>(backends());
        tools.add(new PreviewVideoTool());
        JsonObject last = turn(RoutingCatalog.Previews.OFF, tools,
                "<meta>{\"id\":\"clip\",\"task\":\"text-to-video\",\"args\":{\"prompt\":\"waves\"}}</meta>");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(ofType(AgentEvents.ARTIFACT)).isEmpty();
        JsonObject rejected = ofType(AgentEvents.CALL_REJECTED).get(0);
        assertThat(rejected.getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("unknown_task");
        assertThat(rejected.getJsonArray("errors").getJsonObject(0).getString("message"))
                .contains("no registered tool performs 'text-to-video'").contains("text-to-image");
        assertThat(runtime.registry().byName(PreviewVideoTool.NAME)).isEmpty();
    }
}
