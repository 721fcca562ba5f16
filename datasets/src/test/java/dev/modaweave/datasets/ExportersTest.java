package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.datasets.DatasetRecord.MediaRef;
import dev.modaweave.datasets.DatasetRecord.Message;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ExportersTest {

    private static final MetaResponse IMAGE = MetaResponse.ofTask("img1", "text-to-image", Json.object().put("prompt", "a red fox"));

    private static MetaResponse edit() {
        ObjectNode args = Json.object().put("prompt", "at sunset");
        args.putObject("image").put("$ref", "img1");
        return MetaResponse.ofTask("img2", "image-edit", args);
    }

    private static DatasetRecord record(List<MetaResponse> calls, List<MediaRef> media) {
        StringBuilder answer = new StringBuilder("Here it is: ");
        calls.forEach(c -> answer.append(c.toCanonicalText()).append(' '));
        return new DatasetRecord("r1", RecordKind.GENERATION, "x", Split.TRAIN, List.of(), media,
                List.of(new Message(Message.USER, "Draw a red fox."), new Message(Message.ASSISTANT, answer.toString().strip())),
                calls, "", false);
    }

    @Test
    void modaverse_export_writes_modality_lines_and_skips_calls_it_cannot_express() {
        ObjectNode o = Exporters.modaVerse(record(List.of(IMAGE), List.of())).orElseThrow();
        assertThat(o.path("output").asText()).isEqualTo("Here it is:\nModality: [IMAGE] Prompt: a red fox");
        assertThat(Exporters.modaVerse(record(List.of(IMAGE, edit()), List.of()))).isEqualTo(Optional.empty());
    }

    @Test
    void openai_export_turns_meta_responses_into_tool_calls_and_declares_the_tools() {
        ObjectNode o = Exporters.openAi(record(List.of(IMAGE, edit()), List.of()));
        JsonNode assistant = o.path("messages").get(2);
        assertThat(assistant.path("content").asText()).isEqualTo("Here it is:");
        assertThat(assistant.path("tool_calls")).hasSize(2);
        JsonNode second = assistant.path("tool_calls").get(1);
        assertThat(second.path("function").path("name").asText()).isEqualTo("image-edit");
        assertThat(Json.parse(second.path("function").path("arguments").asText()).path("image").path("$ref").asText())
                .isEqualTo("img1");
        assertThat(o.path("tools")).hasSize(5);
        assertThat(o.path("messages").get(0).path("role").asText()).isEqualTo("system");
    }

    @Test
    void llava_export_puts_a_media_token_before_the_question_and_names_the_caption() {
        String artifact = CaptionText.artifactId("coco-1");
        ObjectNode o = Exporters.llava(record(List.of(), List.of(new MediaRef(artifact, Modality.IMAGE, "coco-1"))));
        assertThat(o.path("image").asText()).isEqualTo("coco-1");
        assertThat(o.path("conversations").get(0).path("value").asText()).isEqualTo("<image>\nDraw a red fox.");
        assertThat(o.path("conversations").get(1).path("from").asText()).isEqualTo("gpt");
    }

    @Test
    void records_read_back_from_json_equal_the_written_ones() {
        DatasetRecord r = record(List.of(IMAGE, edit()), List.of(new MediaRef(CaptionText.artifactId("k"), Modality.IMAGE, "k")));
        assertThat(DatasetRecord.fromJson(Json.parse(Json.write(r.toJson())))).isEqualTo(r);
    }
}
