package dev.modaweave.app.dataset;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.app.planner.EmbeddedPlanner;
import dev.modaweave.agent.llm.ChatModels;
import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.datasets.Evaluator;
import dev.modaweave.datasets.Responder;
import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.datasets.Split;
import dev.modaweave.tools.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code modaweave dataset eval}: runs a chat model on a split and scores its meta-responses. */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = {"Run an OpenAI-compatible chat model on a split and score parse success, call decisions, task F1, "
                + "prompt similarity, dependency edge F1 and latency. Writes eval.json and eval.html.",
                "Example: modaweave dataset eval --data data --split test --base-url http://127.0.0.1:8000/v1 --model m --limit 200",
                "         modaweave dataset eval --data data --split test --provider embedded   (the built-in planner)"})
final class DatasetEvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set's directory.")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "Split to evaluate: train, val, test (default: ${DEFAULT-VALUE}).")
    String split;

    @CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--provider", description = "openai (any OpenAI-compatible server), ollama, or embedded (the built-in planner) (default: openai).")
    String provider;

    @Option(names = "--timeout", description = "Longest wait for one answer, ISO-8601 (default: PT120S).")
    Duration timeout;

    @Option(names = "--base-url", description = "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.")
    String baseUrl;

    @Option(names = "--model", description = "Model name.")
    String model;

    @Option(names = "--api-key-env", description = "Environment variable holding the API key (none for local servers).")
    String apiKeyEnv;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate at most N records (default: all).")
    int limit;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write eval.json, eval.html and predictions.jsonl (default: DATA/eval-SPLIT).")
    Path out;

    @Option(names = "--no-embeddings", description = "Skip the embedding cosine of prompts (token F1 only).")
    boolean noEmbeddings;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
    boolean noProgress;

    @Override
    public Integer call() {
        Evaluator evaluator;
        Path file;
        try {
            Split s = Split.fromWireName(split);
            file = data.resolve(s.wireName() + ".jsonl");
            LlmConfig cfg = ModelFlags.resolve(config, provider, baseUrl, model, apiKeyEnv, null);
            if (cfg == null) {
                throw new UsageException("no model to evaluate: pass --config FILE or --base-url and --model");
            }
            Duration wait = timeout != null ? timeout : Duration.ofSeconds(120);
            Path reports = out != null ? out : data.resolve("eval-" + s.wireName());
            StreamingChatModel chat = cfg.provider() == LlmConfig.Provider.EMBEDDED ? EmbeddedPlanner.shared() : ChatModels.streaming(cfg);
            Evaluator.Builder b = Evaluator.builder().responder(Responder.of(chat, wait)).limit(limit)
                    .predictions(reports.resolve("predictions.jsonl"));
            if (!noEmbeddings) {
                b.embedder(SentenceEmbedder.miniLm());
            }
            if (!noProgress) {
                b.progress(spec.commandLine().getErr());
            }
            evaluator = b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Evaluator.EvalReport report;
        try {
            report = evaluator.evaluate(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        report.write(out != null ? out : data.resolve("eval-" + Split.fromWireName(split).wireName()));
        spec.commandLine().getOut().println(Json.write(report.toJson()));
        return 0;
    }
}
