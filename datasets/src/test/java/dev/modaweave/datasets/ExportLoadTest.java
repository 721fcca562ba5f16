package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every export of a build loads with the structure checks of the projects it is made for. */
class ExportLoadTest {

    @TempDir
    Path out;

    private Path build(Exporters.OpenAiStyle style) {
        Path dir = out.resolve(style.name());
        DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(dir).seed(11).size(800)
                .embedder(HashingEmbedder::new).openAiStyle(style).build().build();
        return dir;
    }

    static String runLoaderScript(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(SharedCorpora.python().toString(), SharedCorpora.loaderScript().toString(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void every_export_passes_the_loader_checks_in_both_openai_styles() {
        for (Exporters.OpenAiStyle style : Exporters.OpenAiStyle.values()) {
            assertThat(ExportChecks.problems(build(style))).as(style.name()).isEmpty();
        }
    }

    @Test
    void the_python_loader_script_accepts_every_export() throws Exception {
        Path dir = build(Exporters.OpenAiStyle.TOOLS);
        JsonNode report = Json.parse(runLoaderScript(dir));
        assertThat(report.path("counts").path("modaverse/train").asLong()).isPositive();
        assertThat(report.path("counts").path("llava/train-video-audio").asLong()).isPositive();
    }

    @Test
    void the_checks_find_a_dangling_reference_a_jsonl_modaverse_file_and_a_misplaced_media_token() throws IOException {
        Path dir = build(Exporters.OpenAiStyle.META);
        Path modaverse = dir.resolve("modaverse").resolve("train.json");
        JsonNode examples = Json.parse(Files.readString(modaverse));
        StringBuilder lines = new StringBuilder();
        examples.forEach(e -> lines.append(Json.write(e)).append('\n'));
        Files.writeString(modaverse, lines.toString());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ExportChecks.problems(dir))).isNotNull();

        Path fresh = build(Exporters.OpenAiStyle.TOOLS);
        Path llava = fresh.resolve("llava").resolve("train.json");
        com.fasterxml.jackson.databind.node.ArrayNode records = (com.fasterxml.jackson.databind.node.ArrayNode) Json.parse(Files.readString(llava));
        boolean refBroken = false;
        boolean tokenMoved = false;
        for (JsonNode r : records) {
            JsonNode conv = r.path("conversations");
            String answer = conv.get(1).path("value").asText();
            if (!refBroken && answer.contains("\"$ref\":\"img1\"")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) conv.get(1)).put("value", answer.replace("\"$ref\":\"img1\"", "\"$ref\":\"img9\""));
                refBroken = true;
            } else if (!tokenMoved && r.has("image")) {
                String question = conv.get(0).path("value").asText();
                ((com.fasterxml.jackson.databind.node.ObjectNode) conv.get(0)).put("value", question.replace("<image>\n", "") + " <image>");
                tokenMoved = true;
            }
        }
        assertThat(refBroken && tokenMoved).isTrue();
        Files.writeString(llava, Json.write(records));
        assertThat(ExportChecks.problems(fresh)).anyMatch(p -> p.contains("names no earlier call"))
                .anyMatch(p -> p.contains("<image> must open the first human turn"));
    }

    @Test
    void modaverse_examples_carry_one_call_or_a_text_answer_and_the_card_counts_the_rest() throws IOException {
        Path dir = build(Exporters.OpenAiStyle.TOOLS);
        JsonNode build = Json.parse(Files.readString(dir.resolve("build.json")));
        assertThat(build.path("exportSkipped").fieldNames()).toIterable()
                .anyMatch(k -> k.startsWith("modaverse: several calls"));
        JsonNode examples = Json.parse(Files.readString(dir.resolve("modaverse").resolve("train.json")));
        assertThat(examples).allSatisfy(e -> assertThat(e.path("meta_response").path("modality").asText())
                .isIn("text", "image", "video", "audio"));
        assertThat(examples).anySatisfy(e -> assertThat(e.path("media").path("image").asText()).matches("coco/val2017/\\d{12}\\.jpg"));
        assertThat(Files.readString(dir.resolve("README.md"))).contains("several calls");
    }
}
