package dev.modaweave.agent.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolCallStreamNormaliserTest {

    private static String openAi(String toolCall) {
        return "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[" + toolCall + "]}}]}";
    }

    private static List<String> indexAndId(ToolCallStreamNormaliser n, String... chunks) {
        List<String> out = new ArrayList<>();
        for (String chunk : chunks) {
            JsonNode call = Json.parse(n.normalise(chunk)).path("choices").get(0).path("delta").path("tool_calls").get(0);
            out.add(call.path("index").asInt() + ":" + call.path("id").asText(""));
        }
        return out;
    }

    @Test
    void a_repeated_index_with_a_new_id_starts_a_new_call_and_a_repeated_id_continues_its_own() {
        var n = new ToolCallStreamNormaliser();
        assertThat(indexAndId(n,
                openAi("{\"index\":0,\"id\":\"call_a\",\"function\":{\"name\":\"paint\",\"arguments\":\"\"}}"),
                openAi("{\"index\":0,\"function\":{\"arguments\":\"{}\"}}"),
                openAi("{\"index\":0,\"id\":\"call_b\",\"function\":{\"name\":\"paint\",\"arguments\":\"\"}}"),
                openAi("{\"index\":0,\"id\":\"call_b\",\"function\":{\"arguments\":\"{}\"}}")))
                .containsExactly("0:call_a", "0:", "1:call_b", "1:call_b");
    }

    @Test
    void calls_without_ids_or_indices_get_both() {
        var n = new ToolCallStreamNormaliser();
        assertThat(indexAndId(n,
                openAi("{\"index\":3,\"function\":{\"name\":\"paint\",\"arguments\":\"\"}}"),
                openAi("{\"function\":{\"arguments\":\"{}\"}}"),
                openAi("{\"index\":7,\"function\":{\"name\":\"paint\",\"arguments\":\"{}\"}}")))
                .containsExactly("0:call_1", "0:", "1:call_2");
    }

    @Test
    void ollama_calls_in_one_message_each_get_an_index_and_an_id() {
        var n = new ToolCallStreamNormaliser();
        JsonNode calls = Json.parse(n.normalise("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"function\":{\"name\":\"paint\",\"arguments\":{\"prompt\":\"a\"}}},"
                + "{\"function\":{\"name\":\"paint\",\"arguments\":{\"prompt\":\"b\"}}}]},\"done\":false}"))
                .path("message").path("tool_calls");
        assertThat(calls.get(0).path("function").path("index").asInt()).isZero();
        assertThat(calls.get(1).path("function").path("index").asInt()).isEqualTo(1);
        assertThat(calls.get(0).path("id").asText()).isEqualTo("call_1");
        assertThat(calls.get(1).path("id").asText()).isEqualTo("call_2");
    }

    @Test
    void text_chunks_pass_unchanged_and_a_chunk_that_is_not_json_is_named_in_words() {
        var n = new ToolCallStreamNormaliser();
        String text = "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}";
        assertThat(n.normalise(text)).isSameAs(text);
        assertThat(n.normalise("[DONE]")).isEqualTo("[DONE]");
        assertThatThrownBy(() -> n.normalise("{\"choices\":[{\"delta\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the server sent a stream chunk that is not a JSON object: {\"choices\":[{\"delta\"");
    }
}
