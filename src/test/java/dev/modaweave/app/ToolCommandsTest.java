package dev.modaweave.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ToolCommandsTest {

    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();

    private int run(String... args) {
        CliRunner.Result result = CliRunner.run(args);
        out.setLength(0);
        out.append(result.out());
        err.append(result.err());
        return result.exitCode();
    }

    @Test
    void tools_list_shows_every_local_tool_with_its_task_and_preview_flag() {
        assertThat(run("tools", "list")).isZero();
        assertThat(out.toString()).contains("NAME", "preview-image", "text-to-image", "local-tts", "text-to-speech",
                "preview-image-edit", "text+image -> image");
    }

    @Test
    void tools_list_json_is_an_array_of_descriptors() {
        assertThat(run("tools", "list", "--json")).isZero();
        JsonNode list = Json.parse(out.toString());
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("name")).contains("preview-video", "preview-audio");
        JsonNode image = Json.MAPPER.createObjectNode();
        for (JsonNode tool : list) {
            if (tool.get("name").asText().equals("preview-image")) {
                image = tool;
            }
        }
        assertThat(image.get("preview").asBoolean()).isTrue();
        assertThat(image.get("capacity").asInt()).isPositive();
        assertThat(image.get("outputModality").asText()).isEqualTo("image");
    }

    @Test
    void generate_writes_the_media_under_a_hash_name_and_prints_its_metadata(@TempDir Path dir) throws IOException {
        int exit = run("generate", "--tool", "preview-image", "--args", "{\"prompt\":\"a red fox\",\"width\":64,\"height\":64}",
                "--out", dir.toString());
        assertThat(exit).as(err.toString()).isZero();
        JsonNode report = Json.parse(out.toString().strip());
        Path file = Path.of(report.get("path").asText());
        assertThat(file.getParent()).isEqualTo(dir.toAbsolutePath());
        assertThat(file.getFileName().toString()).matches("[0-9a-f]{24}\\.png");
        assertThat(MediaTypes.sniff(Files.readAllBytes(file))).contains("image/png");
        assertThat(report.get("mimeType").asText()).isEqualTo("image/png");
        assertThat(report.get("attributes").get("width").asInt()).isEqualTo(64);
        assertThat(report.get("sha256").asText()).startsWith(file.getFileName().toString().substring(0, 24));
    }

    @Test
    void generate_edits_an_input_file_given_with_input(@TempDir Path dir) throws IOException {
        assertThat(run("generate", "--tool", "preview-image", "--args", "{\"prompt\":\"a house\",\"width\":64,\"height\":64}",
                "--out", dir.toString())).isZero();
        Path source = Path.of(Json.parse(out.toString().strip()).get("path").asText());
        int exit = run("generate", "--tool", "preview-image-edit", "--args", "{\"prompt\":\"make it winter\"}",
                "--input", "image=" + source, "--out", dir.resolve("edits").toString());
        assertThat(exit).as(err.toString()).isZero();
        JsonNode report = Json.parse(out.toString().strip());
        assertThat(report.get("attributes").get("transform").asText()).isNotEmpty();
        assertThat(Files.readAllBytes(Path.of(report.get("path").asText()))).isNotEqualTo(Files.readAllBytes(source));
    }

    @Test
    void generate_runs_a_torchscript_spec_given_with_config(@TempDir Path dir) {
        Path spec = Path.of("../generators/djl/src/test/resources/tiny/tiny-image.json");
        assumeTrue(Files.exists(spec), "run from the app module directory");
        int exit = run("generate", "--tool", "tiny-image", "--config", spec.toString(), "--args", "{\"prompt\":\"a red fox\"}",
                "--out", dir.toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(Json.parse(out.toString().strip()).get("attributes").get("width").asInt()).isEqualTo(32);
    }

    @Test
    void malformed_json_exits_2_with_one_line(@TempDir Path dir) {
        assertThat(run("generate", "--tool", "preview-image", "--args", "{\"prompt\":", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).contains("not valid JSON").doesNotContain("\n");
    }

    @Test
    void an_unknown_tool_exits_2_and_lists_the_known_ones(@TempDir Path dir) {
        assertThat(run("generate", "--tool", "sdxl", "--args", "{}", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown tool 'sdxl'").contains("preview-image");
    }

    @Test
    void invalid_arguments_exit_2_naming_the_violation(@TempDir Path dir) throws IOException {
        assertThat(run("generate", "--tool", "preview-image", "--args", "{\"prompt\":\"x\",\"width\":99999}",
                "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("/width").doesNotContain("\tat ");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_config_that_is_not_a_spec_exits_2(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("c.json"), "{\"backends\":{}}");
        assertThat(run("generate", "--tool", "x", "--config", config.toString(), "--args", "{}", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not a TorchScript spec");
    }
}
