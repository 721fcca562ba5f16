package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.datasets.DatasetRecord.Message;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvaluatorTest {

    private WireMockServer server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static MetaResponse call(String id, String task, String key, String value) {
        ObjectNode args = Json.object().put(key, value);
        return MetaResponse.ofTask(id, task, args);
    }

    private static DatasetRecord record(String id, RecordKind kind, String user, List<MetaResponse> calls) {
        String answer = "Sure. " + calls.stream().map(MetaResponse::toCanonicalText).collect(Collectors.joining(" "));
        return new DatasetRecord(id, kind, "test", Split.TEST, List.of(), List.of(),
                List.of(new Message(Message.USER, user), new Message(Message.ASSISTANT, answer)), calls, "", false);
    }

    private Path splitFile() throws IOException {
        ObjectNode editArgs = Json.object().put("prompt", "at sunset");
        editArgs.putObject("image").put("$ref", "img1");
        List<DatasetRecord> records = List.of(
                record("r1", RecordKind.GENERATION, "Draw a red fox in snow.",
                        List.of(call("img1", "text-to-image", "prompt", "a red fox in snow"))),
                record("r2", RecordKind.REASONING, "What is the capital of France?", List.of()),
                record("r3", RecordKind.REASONING, "Draw a cabin by a lake, then make it sunset.",
                        List.of(call("img1", "text-to-image", "prompt", "a cabin by a lake"),
                                MetaResponse.ofTask("img2", "image-edit", editArgs))),
                record("r4", RecordKind.GENERATION, "Make a clip of waves.",
                        List.of(call("vid1", "text-to-video", "prompt", "waves"))));
        Path file = dir.resolve("test.jsonl");
        Files.write(file, records.stream().map(r -> Json.write(r.toJson())).toList());
        return file;
    }

    private void reply(String userTextFragment, String content) {
        ObjectNode body = Json.object();
        body.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1).put("model", "test-model");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(userTextFragment))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(Json.write(body))));
    }

    private OpenAiChatModel model() {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("test-key").modelName("test-model")
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void scores_parse_success_decisions_tasks_prompts_and_edges_of_an_openai_compatible_model() throws IOException {
        reply("red fox", "Here you go. <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox in the snow\"}}</meta>");
        reply("capital of France", "Paris. <meta>{\"id\":\"x\",\"task\": oops</meta>");
        reply("cabin", "<meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a cabin by a lake\"}}</meta>"
                + " <meta>{\"id\":\"img2\",\"task\":\"image-edit\",\"args\":{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"at sunset\"}}</meta>");
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("waves"))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"overloaded\"}}")));

        Evaluator.EvalReport report = Evaluator.builder().responder(Responder.of(model())).embedder(new HashingEmbedder())
                .build().evaluate(splitFile());

        ObjectNode o = report.overall();
        assertThat(o.path("records").asInt()).isEqualTo(4);
        assertThat(o.path("parseSuccessRate").asDouble()).isEqualTo(0.5);
        assertThat(o.path("callDecisionAccuracy").asDouble()).isEqualTo(0.75);
        assertThat(o.path("nF1").asDouble()).isCloseTo(6.0 / 7, within(1e-9));
        assertThat(o.path("nPrecision").asDouble()).isEqualTo(1.0);
        assertThat(o.path("nRecall").asDouble()).isEqualTo(0.75);
        assertThat(o.path("taskF1").asDouble()).isEqualTo(o.path("nF1").asDouble());
        assertThat(o.path("eF1").asDouble()).isEqualTo(1.0);
        assertThat(o.path("tF1").asDouble()).isCloseTo(8.0 / 9, within(1e-9));
        assertThat(o.path("vF1").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(o.path("expectedPrompts").asInt()).isEqualTo(4);
        assertThat(o.path("promptTokenF1").asDouble()).isCloseTo((10.0 / 11 + 2 + 0) / 4, within(1e-9));
        assertThat(o.path("promptTokenF1CopyBaseline").asDouble())
                .isCloseTo((10.0 / 11 + 2.0 / 3 + 1.0 / 6 + 1.0 / 3) / 4, within(1e-9));
        assertThat(o.path("promptCosine").asDouble()).isBetween(0.8, 1.0);
        assertThat(o.path("textAnswers").asInt()).isEqualTo(1);
        assertThat(o.path("answerTokenF1").asDouble()).isEqualTo(0.0);
        assertThat(o.path("multiStepRecords").asInt()).isEqualTo(1);
        assertThat(report.latency().path("count").asInt()).isEqualTo(4);
        assertThat(report.examples()).anyMatch(e -> e.startsWith("r2: malformed")).anyMatch(e -> e.startsWith("r4: model failed"));
        assertThat(report.byKind()).containsKeys("generation", "reasoning");
    }

    @Test
    void a_reset_connection_or_an_empty_body_counts_as_a_failed_answer_and_the_run_goes_on() throws IOException {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("red fox"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("capital"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("")));
        reply("cabin", "I'd rather not.");
        reply("waves", "<meta>{\"id\":\"vid1\",\"task\":\"text-to-video\",\"args\":{\"prompt\":\"waves\"}}</meta>");

        Evaluator.EvalReport report = Evaluator.builder().responder(Responder.of(model())).build().evaluate(splitFile());

        assertThat(report.overall().path("records").asInt()).isEqualTo(4);
        assertThat(report.overall().path("parseSuccessRate").asDouble()).isEqualTo(0.5);
        assertThat(report.overall().has("promptCosine")).isFalse();
        assertThat(report.examples()).anyMatch(e -> e.startsWith("r1: model failed"));
    }

    @Test
    void writes_json_and_an_html_report_with_inline_charts() throws IOException {
        Evaluator.EvalReport report = Evaluator.builder()
                .responder(messages -> Responder.Answer.text("Happy to help."))
                .build().evaluate(splitFile());
        report.write(dir.resolve("report"));

        assertThat(Json.parse(Files.readString(dir.resolve("report/eval.json"))).path("overall").path("records").asInt()).isEqualTo(4);
        String html = Files.readString(dir.resolve("report/eval.html"));
        assertThat(html).contains("<svg", "callDecisionAccuracy").doesNotContain("<script", "http://cdn", "https://cdn");
    }

    @Test
    void native_tool_calls_count_as_calls_and_their_dependency_edges_are_scored() throws IOException {
        ObjectNode body = Json.object();
        body.put("id", "c").put("object", "chat.completion").put("created", 1).put("model", "m");
        ObjectNode message = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "tool_calls")
                .putObject("message").put("role", "assistant");
        message.putNull("content");
        var calls = message.putArray("tool_calls");
        calls.addObject().put("id", "img1").put("type", "function").putObject("function").put("name", "text-to-image")
                .put("arguments", "{\"prompt\":\"a cabin by a lake\"}");
        calls.addObject().put("id", "img2").put("type", "function").putObject("function").put("name", "image-edit")
                .put("arguments", "{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"sunset\"}");
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("cabin"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(Json.write(body))));

        Evaluator.EvalReport report = Evaluator.builder().responder(Responder.of(model())).limit(3).build()
                .evaluate(splitFile());

        assertThat(report.overall().path("records").asInt()).isEqualTo(3);
        assertThat(report.byKind().get("reasoning").path("eF1").asDouble()).isEqualTo(1.0);
        assertThat(report.byKind().get("generation").path("eF1").isNull()).as("no edges to score is not a score").isTrue();
        assertThat(report.byKind().get("generation").path("ePrecision").isNull()).isTrue();
    }

    @Test
    void a_streaming_model_such_as_the_embedded_planner_plugs_in_the_same_way() throws IOException {
        dev.langchain4j.model.chat.StreamingChatModel planner = new dev.langchain4j.model.chat.StreamingChatModel() {
            @Override
            public void doChat(dev.langchain4j.model.chat.request.ChatRequest request,
                               dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler) {
                String user = ((dev.langchain4j.data.message.UserMessage) request.messages().get(1)).singleText();
                String text = user.contains("capital") ? "Paris."
                        : "<meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox in snow\"}}</meta>";
                handler.onPartialResponse(text);
                handler.onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse.builder()
                        .aiMessage(dev.langchain4j.data.message.AiMessage.from(text)).build());
            }
        };

        Evaluator.EvalReport report = Evaluator.builder().responder(Responder.of(planner, Duration.ofSeconds(5))).build()
                .evaluate(splitFile());

        assertThat(report.overall().path("parseSuccessRate").asDouble()).isEqualTo(1.0);
        assertThat(report.overall().path("callDecisionAccuracy").asDouble()).isEqualTo(1.0);
        assertThat(report.overall().path("taskF1").asDouble()).isCloseTo(4.0 / 7, within(1e-9));
    }
}
