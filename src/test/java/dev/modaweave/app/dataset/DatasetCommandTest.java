package dev.modaweave.app.dataset;

import dev.modaweave.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetCommandTest {

    @TempDir
    Path dir;

    private Path captions() throws IOException {
        Path in = dir.resolve("captions");
        Files.createDirectories(in);
        Files.write(in.resolve("image.jsonl"), List.of(
                "{\"id\":\"i1\",\"caption\":\"A red bicycle leaning against a brick wall.\",\"source\":\"MS-COCO Captions 2017\"}",
                "{\"id\":\"i2\",\"caption\":\"Two dogs playing in the snow.\",\"source\":\"MS-COCO Captions 2017\"}",
                "{\"id\":\"i3\",\"caption\":\"A bowl of soup next to a loaf of bread.\",\"source\":\"MS-COCO Captions 2017\"}",
                "{\"id\":\"i4\",\"caption\":\"A sailboat on a calm lake at sunset.\",\"source\":\"MS-COCO Captions 2017\"}"));
        Files.write(in.resolve("audio.jsonl"), List.of(
                "{\"id\":\"a1\",\"caption\":\"A dog barks while birds chirp\",\"source\":\"AudioCaps\"}",
                "{\"id\":\"a2\",\"caption\":\"Rain falls on a tin roof\",\"source\":\"AudioCaps\"}"));
        return in;
    }

    private static int run(ByteArrayOutputStream out, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            return Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void dataset_build_then_stats_write_splits_exports_reports_and_data_card() throws IOException {
        Path data = dir.resolve("data");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int build = run(out, "dataset", "build", "--captions", captions().toString(), "--out", data.toString(),
                "--seed", "3", "--size", "60", "--dedup", "exact", "--no-progress");
        int stats = run(out, "dataset", "stats", data.toString());

        assertThat(build).as(out.toString()).isZero();
        assertThat(stats).as(out.toString()).isZero();
        assertThat(out.toString()).contains("\"written\" : 60", "by kind");
        for (String f : List.of("train.jsonl", "llava/train.json", "openai/train.jsonl", "modaverse/train.jsonl",
                "build.json", "stats.json", "stats.txt", "report.html", "README.md")) {
            assertThat(data.resolve(f)).exists();
        }
        assertThat(Files.readString(data.resolve("README.md"))).contains("AudioCaps", "Research and non-commercial use only");
    }

    @Test
    void bad_input_exits_2_with_a_one_line_reason() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = run(out, "dataset", "build", "--captions", dir.resolve("missing").toString(), "--out", dir.toString());
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("does not exist");

        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        assertThat(run(out2, "dataset", "stats", dir.toString())).isEqualTo(2);
        assertThat(out2.toString()).contains("run dataset build first");

        ByteArrayOutputStream out3 = new ByteArrayOutputStream();
        assertThat(run(out3, "dataset", "eval", "--data", dir.toString(), "--base-url", "http://127.0.0.1:9/v1",
                "--model", "m")).isEqualTo(2);
        assertThat(out3.toString()).contains("test.jsonl does not exist");

        ByteArrayOutputStream out4 = new ByteArrayOutputStream();
        assertThat(run(out4, "dataset", "eval", "--data", dir.toString())).isEqualTo(2);
        assertThat(out4.toString()).contains("no model to evaluate");
    }

    @Test
    void every_dataset_command_has_help() {
        for (String[] args : List.of(new String[] {"dataset", "--help"}, new String[] {"dataset", "build", "--help"},
                new String[] {"dataset", "stats", "--help"}, new String[] {"dataset", "eval", "--help"},
                new String[] {"bench", "dataset", "--help"})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(run(out, args)).isZero();
            assertThat(out.toString()).contains("Usage:");
        }
    }

    @Test
    void synthesised_captions_are_deterministic_and_keep_the_real_ones_first() {
        List<dev.modaweave.datasets.Caption> real = List.of(
                new dev.modaweave.datasets.Caption("a", "A cat on a mat.", dev.modaweave.tools.Modality.IMAGE, "s", ""),
                new dev.modaweave.datasets.Caption("b", "A dog in a park.", dev.modaweave.tools.Modality.IMAGE, "s", ""));
        List<dev.modaweave.datasets.Caption> one = DatasetBenchCommand.synthesise(real, 50, 1);
        List<dev.modaweave.datasets.Caption> two = DatasetBenchCommand.synthesise(real, 50, 1);
        assertThat(one).hasSize(50).isEqualTo(two);
        assertThat(one.subList(0, 2)).isEqualTo(real);
    }
}
