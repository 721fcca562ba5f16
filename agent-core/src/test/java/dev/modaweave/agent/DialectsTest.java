package dev.modaweave.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import org.junit.jupiter.api.Test;

import static dev.modaweave.agent.TestCatalog.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DialectsTest {

    @Test
    void native_tool_call_named_after_a_task_becomes_a_task_call() {
        var request = ToolExecutionRequest.builder().id("call_abc").name("text-to-image")
                .arguments("{\"prompt\":\"a fox\"}").build();
        var meta = (ParseEvent.Meta) Dialects.fromToolExecutionRequest(request, TestCatalog.catalog(), "call1");
        assertThat(meta.call()).isEqualTo(new MetaResponse("call_abc", "text-to-image", null, json("{\"prompt\":\"a fox\"}"), Dialect.NATIVE));
    }

    @Test
    void native_tool_call_named_after_a_tool_becomes_a_tool_call() {
        var request = ToolExecutionRequest.builder().id("x").name("paint").arguments("{\"prompt\":\"a\"}").build();
        var meta = (ParseEvent.Meta) Dialects.fromToolExecutionRequest(request, TestCatalog.catalog(), "call1");
        assertThat(meta.call().tool()).isEqualTo("paint");
        assertThat(meta.call().task()).isNull();
    }

    @Test
    void native_tool_call_with_broken_arguments_is_malformed() {
        var request = ToolExecutionRequest.builder().id("x").name("text-to-image").arguments("{\"prompt\":").build();
        var event = Dialects.fromToolExecutionRequest(request, null, "call1");
        assertThat(event).isInstanceOf(ParseEvent.Malformed.class);
        assertThat(((ParseEvent.Malformed) event).reason()).contains("not valid JSON");
    }

    @Test
    void native_tool_call_with_an_unusable_id_gets_the_default_one() {
        var request = ToolExecutionRequest.builder().id("id with spaces").name("text-to-image").arguments("{}").build();
        assertThat(((ParseEvent.Meta) Dialects.fromToolExecutionRequest(request, null, "call7")).call().id()).isEqualTo("call7");
    }

    @Test
    void canonical_text_reads_back_to_an_equal_record() {
        var call = MetaResponse.ofTask("e1", "image-edit", json("{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"a \\\"quoted\\\" </meta>\"}"));
        var events = MetaResponseParser.parseAll(call.toCanonicalText());
        assertThat(((ParseEvent.Meta) events.get(0)).call()).isEqualTo(call);
        assertThat(call.references()).containsExactly("img1");
    }

    @Test
    void modaverse_text_round_trips() {
        var call = MetaResponse.ofTask("call1", "text-to-video", json("{\"prompt\":\"waves at night\"}"));
        String line = Dialects.toModaVerseText(call);
        assertThat(line).isEqualTo("Modality: [VIDEO] Prompt: waves at night");
        assertThat(((ParseEvent.Meta) MetaResponseParser.parseAll(line).get(0)).call()).isEqualTo(call.withDialect(Dialect.MODAVERSE));
    }

    @Test
    void tasks_without_a_modaverse_form_are_refused_clearly() {
        var call = MetaResponse.ofTask("s", "text-to-speech", json("{\"text\":\"hi\"}"));
        assertThatThrownBy(() -> Dialects.toModaVerseText(call)).hasMessageContaining("text-to-speech");
    }

    @Test
    void meta_response_rejects_bad_ids_and_missing_task_and_tool() {
        assertThatThrownBy(() -> MetaResponse.ofTask("../x", "text-to-image", null)).hasMessageContaining("'../x'");
        assertThatThrownBy(() -> new MetaResponse("a", null, null, null, Dialect.CANONICAL)).hasMessageContaining("neither");
        assertThatThrownBy(() -> MetaResponse.ofTask("a", "Text To Image", null)).hasMessageContaining("lower-case");
    }
}
