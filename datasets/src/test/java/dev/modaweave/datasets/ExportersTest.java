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
    void modaverse_export_writes_one_call_or_a_text_answer_and_skips_what_it_cannot_express() {
        ObjectNode o = Exporters.modaVerse(record(List.of(IMAGE), List.of())).orElseThrow();
        assertThat(o.path("instruction").asText()).isEqualTo("Draw a red fox.");
        assertThat(o.path("media").path("image").asText()).isEqualTo("none");
        assertThat(o.path("meta_response").path("modality").asText()).isEqualTo("image");
        assertThat(o.path("meta_response").path("prompt").asText()).isEqualTo("a red fox");
        ObjectNode text = Exporters.modaVerse(record(List.of(), List.of())).orElseThrow();
        assertThat(text.path("meta_response").path("modality").asText()).isEqualTo("text");
        assertThat(text.path("meta_response").path("prompt").asText()).isEqualTo("Here it is:");
        assertThat(Exporters.modaVerse(record(List.of(IMAGE, edit()), List.of()))).isEqualTo(Optional.empty());
        assertThat(Exporters.modaVerseSkipReason(record(List.of(IMAGE, edit()), List.of()))).startsWith("several calls");
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
        assertThat(o.path("messages").get(0).path("content").asText()).isEqualTo(Exporters.TOOLS_SYSTEM_PROMPT).doesNotContain("<meta>");
    }

    @Test
    void openai_meta_style_keeps_the_meta_text_and_teaches_it_in_the_system_prompt() {
        ObjectNode o = Exporters.openAi(record(List.of(IMAGE), List.of()), Exporters.OpenAiStyle.META);
        assertThat(o.has("tools")).isFalse();
        assertThat(o.path("messages").get(0).path("content").asText()).contains("<meta>");
        assertThat(o.path("messages").get(2).path("content").asText()).contains(IMAGE.toCanonicalText());
        assertThat(o.path("messages").get(2).has("tool_calls")).isFalse();
    }

    @Test
    void llava_export_names_the_coco_file_and_shows_the_attached_artifact() {
        String captionId = "coco2017-val-img270677-ann264694";
        String artifact = CaptionText.artifactId(captionId);
        ObjectNode o = Exporters.llava(record(List.of(), List.of(new MediaRef(artifact, Modality.IMAGE, captionId))));
        assertThat(o.path("image").asText()).isEqualTo("val2017/000000270677.jpg");
        assertThat(o.path("conversations").get(0).path("value").asText())
                .isEqualTo("<image>\n[attached image: " + artifact + "]\nDraw a red fox.");
        assertThat(o.path("conversations").get(1).path("from").asText()).isEqualTo("gpt");
        assertThat(Exporters.mediaFile("msrvtt-video42", Modality.VIDEO)).isEqualTo("video42.mp4");
        assertThat(Exporters.modaVerseMediaFile("audiocaps-91139", Modality.AUDIO)).isEqualTo("audiocaps/91139.wav");
    }

    @Test
    void records_read_back_from_json_equal_the_written_ones() {
        DatasetRecord r = record(List.of(IMAGE, edit()), List.of(new MediaRef(CaptionText.artifactId("k"), Modality.IMAGE, "k")));
        assertThat(DatasetRecord.fromJson(Json.parse(Json.write(r.toJson())))).isEqualTo(r);
    }
}
