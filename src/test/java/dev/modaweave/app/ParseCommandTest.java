package dev.modaweave.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParseCommandTest {

    @TempDir
    Path dir;

    private List<JsonNode> lines(String out) {
        return out.lines().map(Json::parse).toList();
    }

    @Test
    void prints_one_json_line_per_event_with_adjacent_text_merged() throws Exception {
        Path file = dir.resolve("reply.txt");
        Files.writeString(file, "Here is your fox: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"}}</meta>\n"
                + "Modality: [AUDIO] Prompt: wind in pines\nand <meta>{oops}</meta> done");
        var result = CliRunner.run("parse", file.toString());

        assertThat(result.exitCode()).isZero();
        var events = lines(result.out());
        assertThat(events).extracting(e -> e.get("type").asText())
                .containsExactly("text", "meta", "text", "meta", "text", "malformed", "text");
        assertThat(events.get(1).toString()).isEqualTo(
                "{\"type\":\"meta\",\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"},\"dialect\":\"canonical\"}");
        assertThat(events.get(3).get("dialect").asText()).isEqualTo("modaverse");
        assertThat(events.get(3).has("tool")).as("absent fields are omitted").isFalse();
        assertThat(events.get(5).get("raw").asText()).isEqualTo("<meta>{oops}</meta>");
        assertThat(events.get(5).get("reason").asText()).startsWith("invalid JSON");
    }

    @Test
    void malformed_input_is_data_and_exits_zero() throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "<meta>{\"task\":");
        var result = CliRunner.run("parse", file.toString());
        assertThat(result.exitCode()).isZero();
        assertThat(lines(result.out())).singleElement().satisfies(e -> assertThat(e.get("reason").asText()).contains("unterminated"));
    }

    @Test
    void an_unreadable_file_exits_two_with_a_one_line_reason() {
        var result = CliRunner.run("parse", dir.resolve("missing.txt").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip()).contains("missing.txt").contains("no such file").doesNotContain("\n");
        assertThat(CliRunner.run("parse", dir.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void invalid_utf8_is_read_as_replacement_characters_not_an_error() throws Exception {
        Path file = dir.resolve("bytes.bin");
        Files.write(file, new byte[] {'h', 'i', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF});
        var result = CliRunner.run("parse", file.toString());
        assertThat(result.exitCode()).isZero();
        assertThat(lines(result.out())).singleElement().satisfies(e -> assertThat(e.get("text").asText()).startsWith("hi\uFFFD"));
    }
}
