package dev.modaweave.agent.llm;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.data.message.UserMessage;
import dev.modaweave.agent.llm.StreamFixtures.ToolCallScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiCompatibleStreamingTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final TestModels models = new TestModels();

    private StreamingChatModel model() {
        return models.openAi(server.baseUrl(), 2, Duration.ofSeconds(10));
    }

    @Test
    void content_deltas_reach_the_handler_in_order_and_the_stream_completes() {
        List<String> deltas = List.of("Here", " is", " a red", " fox", ".");
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(StreamFixtures.openAiResponse(deltas)));
        RecordingHandler handler = new RecordingHandler();

        model().chat(TestModels.ask("draw a fox"), handler);

        ChatResponse response = handler.awaitResponse();
        assertThat(handler.partials).containsExactlyElementsOf(deltas);
        assertThat(response.aiMessage().text()).isEqualTo("Here is a red fox.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(deltas.size());
        assertThat(handler.errors).isEmpty();
    }

    @Test
    void the_request_streams_to_the_configured_model_with_the_key_from_the_environment() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(StreamFixtures.openAiResponse(List.of("ok"))));
        RecordingHandler handler = new RecordingHandler();

        model().chat(TestModels.ask("hello"), handler);
        handler.awaitResponse();

        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + TestModels.API_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(StreamFixtures.MODEL)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("hello"))));
    }

    @Test
    void a_local_server_without_a_key_gets_no_authorization_header() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(StreamFixtures.openAiResponse(List.of("ok"))));
        LlmConfig vllm = LlmConfig.builder().provider(LlmConfig.Provider.OPENAI).baseUrl(server.baseUrl() + "/v1")
                .model("Qwen/Qwen2.5-7B-Instruct").build();
        RecordingHandler handler = new RecordingHandler();

        ChatModels.streaming(vllm, name -> null).chat(TestModels.ask("hello"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo("ok");
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withoutHeader("Authorization"));
    }

    @Test
    void a_meta_response_split_across_deltas_arrives_whole_once_the_deltas_are_joined() {
        List<String> deltas = List.of("A fox: <me", "ta>{\"id\":\"img1\",\"task\":\"text-to-", "image\",\"args\":{\"prompt\":",
                "\"a red fox\"}}</m", "eta> done");
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(StreamFixtures.openAiResponse(deltas)));
        RecordingHandler handler = new RecordingHandler();

        model().chat(TestModels.ask("draw a fox"), handler);
        handler.awaitResponse();

        assertThat(handler.partials).containsExactlyElementsOf(deltas);
        assertThat(handler.text()).isEqualTo(
                "A fox: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"}}</meta> done");
    }

    @Test
    void streamed_tool_call_deltas_come_out_as_complete_tool_execution_requests() {
        List<ToolCallScript> calls = List.of(
                new ToolCallScript("call_img1", "text_to_image", List.of("{\"pro", "mpt\":\"a red", " fox\"}")),
                new ToolCallScript("call_tts1", "text_to_speech", List.of("{\"text\":", "\"hello\"}")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(StreamFixtures.openAiToolCallResponse(calls)));
        RecordingHandler handler = new RecordingHandler();
        ChatRequest request = ChatRequest.builder()
                .messages(UserMessage.from("draw a fox and say hello"))
                .toolSpecifications(tool("text_to_image"), tool("text_to_speech"))
                .build();

        model().chat(request, handler);

        ChatResponse response = handler.awaitResponse();
        assertThat(handler.partialToolCalls).extracting(call -> call.index() + ":" + call.partialArguments())
                .containsExactly("0:{\"pro", "0:mpt\":\"a red", "0: fox\"}", "1:{\"text\":", "1:\"hello\"}");
        assertThat(handler.completeToolCalls).extracting(call -> call.toolExecutionRequest())
                .containsExactly(
                        ToolExecutionRequest.builder().id("call_img1").name("text_to_image")
                                .arguments("{\"prompt\":\"a red fox\"}").build(),
                        ToolExecutionRequest.builder().id("call_tts1").name("text_to_speech")
                                .arguments("{\"text\":\"hello\"}").build());
        assertThat(response.aiMessage().toolExecutionRequests()).hasSize(2);
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.tools[1].function.name", equalTo("text_to_speech"))));
    }

    private static ToolSpecification tool(String name) {
        return ToolSpecification.builder().name(name).description("generates media")
                .parameters(JsonObjectSchema.builder().addStringProperty("prompt").build())
                .build();
    }
}
