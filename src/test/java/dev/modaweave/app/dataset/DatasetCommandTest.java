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
        for (String f : List.of("train.jsonl", "llava/train.json", "openai/train.jsonl", "modaverse/train.json", "llava/train-video-audio.json",
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

    @Test
    void dataset_eval_scores_an_openai_compatible_streaming_server_and_writes_its_reports() throws IOException {
        Path data = dir.resolve("data");
        assertThat(run(new ByteArrayOutputStream(), "dataset", "build", "--captions", captions().toString(), "--out",
                data.toString(), "--size", "40", "--dedup", "exact", "--no-progress")).isZero();
        String answer = "Sure. <meta>{\\\"id\\\":\\\"img1\\\",\\\"task\\\":\\\"text-to-image\\\","
                + "\\\"args\\\":{\\\"prompt\\\":\\\"a red bicycle\\\"}}</meta>";
        com.sun.net.httpserver.HttpServer server = sseServer(answer);
        server.start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = run(out, "dataset", "eval", "--data", data.toString(), "--split", "train", "--limit", "10",
                    "--base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "--model", "m",
                    "--no-embeddings", "--no-progress");
            assertThat(code).as(out.toString()).isZero();
            String json = Files.readString(data.resolve("eval-train/eval.json"));
            assertThat(json).contains("\"records\" : 10", "\"parseSuccessRate\" : 1.0", "p90Ms");
            assertThat(data.resolve("eval-train/eval.html")).isNotEmptyFile();
            List<String> predictions = Files.readAllLines(data.resolve("eval-train/predictions.jsonl"));
            assertThat(predictions).hasSize(10).allMatch(l -> l.contains("\"predicted\":[{\"id\":\"img1\""));
        } finally {
            server.stop(0);
        }
    }

    /** A local OpenAI-compatible server that streams {@code answer} (JSON-escaped) as the reply to every request. */
    private static com.sun.net.httpserver.HttpServer sseServer(String answer) throws IOException {
        String sse = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"" + answer + "\"},"
                + "\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":10,\"total_tokens\":40}}\n\ndata: [DONE]\n\n";
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = sse.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        return server;
    }

    @Test
    void dataset_build_paraphrases_through_a_configured_model_and_caches_the_answers() throws IOException {
        com.sun.net.httpserver.HttpServer server = sseServer("Could you make me a nice picture of that, please?");
        server.start();
        Path data = dir.resolve("data");
        Path config = dir.resolve("llm.yaml");
        Files.writeString(config, "llm:\n  provider: openai\n  baseUrl: http://127.0.0.1:" + server.getAddress().getPort()
                + "/v1\n  model: m\n  timeout: 10s\n");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = run(out, "dataset", "build", "--captions", captions().toString(), "--out", data.toString(),
                    "--size", "20", "--dedup", "exact", "--paraphrase-config", config.toString(), "--paraphrase-share", "1",
                    "--paraphrase-rate", "1000", "--no-progress");
            assertThat(code).as(out.toString()).isZero();
            assertThat(out.toString()).contains("\"paraphrase\"");
            assertThat(Files.readAllLines(data.resolve("paraphrase-cache.jsonl"))).isNotEmpty();
            String all = Files.readString(data.resolve("train.jsonl"));
            assertThat(all).contains("\"paraphrased\":true", "Could you make me a nice picture of that, please?");
        } finally {
            server.stop(0);
        }
    }
}
