package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.app.Main;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanCommandTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        var cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void an_edit_with_a_history_refers_to_the_newest_picture_the_history_made() throws Exception {
        Path history = dir.resolve("turns.txt");
        Files.writeString(history, "Draw a red barn in a field\n"
                + "{\"modality\":\"image\",\"task\":\"text-to-image\",\"prompt\":\"a sailboat on a calm lake\"}\n");

        Result r = run("plan", "--json", "--history", history.toString(), "Please make it look like an oil painting.");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode plan = Json.parse(r.out().strip());
        assertThat(plan.get("calls")).hasSize(1);
        assertThat(plan.get("calls").get(0).get("task").asText()).isEqualTo(Tasks.IMAGE_EDIT);
        // Two artifacts: the barn the first line made (art_hist…0), the sailboat given as JSON (art_hist…1).
        assertThat(plan.get("calls").get(0).get("args").get("image").get("$ref").asText()).isEqualTo("art_hist" + "0".repeat(21) + "1");
    }

    @Test
    void a_missing_or_malformed_history_is_a_usage_error_naming_the_file_or_line() throws Exception {
        Result missing = run("plan", "--history", dir.resolve("nope.txt").toString(), "make it darker");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "draw a cat\n{not json\n");
        Result malformed = run("plan", "--history", bad.toString(), "make it darker");

        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nope.txt").contains("no such file");
        assertThat(malformed.code()).isNotZero();
        assertThat(malformed.err()).contains("line 2");
    }

    @Test
    void a_hand_written_set_line_without_calls_is_rejected_with_its_line_number() {
        byte[] text = ("{\"request\":\"draw a cat\",\"tasks\":[\"text-to-image\"]}\n{\"request\":\"x\"}\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> HandWrittenSet.read("set.jsonl", new ByteArrayInputStream(text)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set.jsonl line 2");
    }

    @Test
    void planner_eval_scores_a_hand_written_set_per_category() throws Exception {
        Path set = dir.resolve("set.jsonl");
        Files.writeString(set, "{\"category\":\"single-image\",\"request\":\"Draw a black cat on a red sofa\","
                + "\"calls\":[{\"task\":\"text-to-image\",\"keep\":[\"black cat\",\"red sofa\"]}]}\n"
                + "{\"category\":\"no-call\",\"request\":\"hello there, how are you?\",\"calls\":[]}\n");

        Result r = run("planner", "eval", "--set", set.toString());

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = Json.parse(r.out().strip());
        assertThat(report.get("overall").get("requests").asInt()).isEqualTo(2);
        assertThat(report.get("categories").has("single-image")).isTrue();
        assertThat(report.get("categories").has("no-call")).isTrue();
        assertThat(report.get("overall").has("keywordRecall")).isTrue();
        assertThat(report.get("overall").has("noCallPrecision")).isTrue();
    }
}
