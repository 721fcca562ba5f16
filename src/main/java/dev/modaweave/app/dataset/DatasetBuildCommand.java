package dev.modaweave.app.dataset;

import dev.modaweave.app.UsageException;
import dev.modaweave.datasets.CaptionReader;
import dev.modaweave.agent.llm.ChatModels;
import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.datasets.DatasetBuilder;
import dev.modaweave.datasets.ExportFormat;
import dev.modaweave.datasets.Exporters;
import dev.modaweave.datasets.LlmConfigFiles;
import dev.modaweave.datasets.NearDuplicateFilter;
import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.datasets.Paraphraser;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code modaweave dataset build}: caption corpora in, instruction data out. */
@Command(name = "build",
        mixinStandardHelpOptions = true,
        description = {"Build train/val/test instruction data, its exports and data card from caption corpora.",
                "Example: modaweave dataset build --captions ../shared/datasets/captions --out data --seed 7 --size 20000"})
final class DatasetBuildCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--captions", required = true, arity = "1..*", paramLabel = "PATH",
            description = "Caption files (.jsonl or .csv) or directories of them.")
    List<Path> captions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of splits and every choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", paramLabel = "N", description = "Records to write (default: one per kept caption).")
    Long size;

    @Option(names = "--threshold", defaultValue = "0.92",
            description = "Near-duplicate cosine threshold of all-MiniLM-L6-v2 embeddings (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--dedup", defaultValue = "embedding", paramLabel = "MODE",
            description = "Candidate search before the cosine check: embedding (embed all, hyperplane LSH), lexical "
                    + "(MinHash over words), all-pairs (every pair, exact search), exact (exact duplicates only) "
                    + "(default: ${DEFAULT-VALUE}).")
    String dedupMode;

    @Option(names = "--embedder", defaultValue = "minilm-q", paramLabel = "NAME",
            description = "Sentence embedder of the near-duplicate check: minilm-q (all-MiniLM-L6-v2 with 8-bit weights) "
                    + "or minilm (full precision) (default: ${DEFAULT-VALUE}).")
    String embedderName;

    @Option(names = "--min-jaccard", defaultValue = "0.5",
            description = "Lexical mode: least estimated word Jaccard of a candidate pair to embed (default: ${DEFAULT-VALUE}).")
    double minJaccard;

    @Option(names = "--formats", split = ",", paramLabel = "FORMAT",
            description = "Exports to write: native, llava, modaverse, openai (default: all).")
    List<String> formats;

    @Option(names = "--split-shares", split = ",", paramLabel = "SHARE",
            description = "Train, val and test shares (default: 0.8,0.1,0.1).")
    List<Double> splitShares;

    @Option(names = "--held-out-templates", defaultValue = "0.3", paramLabel = "SHARE",
            description = "Share of each template set's families (and speech lines, styles, music pieces) used only in "
                    + "val and test, half each, so the test split measures unseen wording (default: ${DEFAULT-VALUE}).")
    double heldOutTemplates;

    @Option(names = "--openai-style", defaultValue = "tools", paramLabel = "STYLE",
            description = "How the OpenAI export writes calls, with the system prompt that teaches it: tools (native "
                    + "tool_calls) or meta (<meta> text) (default: ${DEFAULT-VALUE}).")
    String openAiStyle;

    @Option(names = "--id-column", defaultValue = "id", description = "Column holding the id (default: ${DEFAULT-VALUE}).")
    String idColumn;
    @Option(names = "--caption-column", defaultValue = "caption", description = "Column holding the caption (default: ${DEFAULT-VALUE}).")
    String captionColumn;
    @Option(names = "--source-column", defaultValue = "source", description = "Column naming the corpus (default: ${DEFAULT-VALUE}).")
    String sourceColumn;
    @Option(names = "--modality-column", defaultValue = "modality", description = "Column naming the modality (default: ${DEFAULT-VALUE}).")
    String modalityColumn;
    @Option(names = "--modality", description = "Modality of files whose name and rows do not say (image, video, audio).")
    String modality;
    @Option(names = "--source", description = "Corpus name for rows without one (default: the file name).")
    String source;

    @Option(names = "--paraphrase-config", paramLabel = "YAML",
            description = "Chat model for paraphrasing: a file with the agent's llm: section (see dataset eval).")
    Path paraphraseConfig;
    @Option(names = "--paraphrase-provider", description = "openai (any OpenAI-compatible server) or ollama.")
    String paraphraseProvider;
    @Option(names = "--paraphrase-base-url", description = "OpenAI-compatible base URL of the paraphrasing model.")
    String paraphraseBaseUrl;
    @Option(names = "--paraphrase-model", description = "Name of the paraphrasing model.")
    String paraphraseModel;
    @Option(names = "--paraphrase-api-key-env", description = "Environment variable holding its API key.")
    String paraphraseKeyEnv;
    @Option(names = "--paraphrase-share", defaultValue = "0.3", description = "Share of user texts to paraphrase (default: ${DEFAULT-VALUE}).")
    double paraphraseShare;
    @Option(names = "--paraphrase-rate", defaultValue = "2", description = "Requests per second at most (default: ${DEFAULT-VALUE}).")
    double paraphraseRate;
    @Option(names = "--paraphrase-cache", description = "Append-only answer cache (default: OUT/paraphrase-cache.jsonl).")
    Path paraphraseCache;
    @Option(names = "--price-per-million", split = ",", paramLabel = "IN,OUT",
            description = "Prices per million input and output tokens, for the cost estimate.")
    List<Double> prices;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
    boolean noProgress;

    @Override
    public Integer call() {
        DatasetBuilder.Builder b = DatasetBuilder.builder().outDir(out).seed(seed);
        try {
            b.captions(CaptionReader.expand(captions));
            Modality defaultModality = modality == null ? null : Modality.fromWireName(modality);
            b.columns(new CaptionReader.Columns(idColumn, captionColumn, sourceColumn, "split", modalityColumn, source,
                    defaultModality));
            if (size != null) {
                b.size(size);
            }
            SentenceEmbedder embedder = SentenceEmbedder.named(embedderName);
            b.embedder(() -> embedder);
            b.dedup(NearDuplicateFilter.Options.defaults().withThreshold(threshold)
                    .withMode(NearDuplicateFilter.Mode.valueOf(dedupMode.toUpperCase(Locale.ROOT).replace('-', '_')))
                    .withMinJaccard(minJaccard));
            if (formats != null) {
                Set<ExportFormat> set = EnumSet.noneOf(ExportFormat.class);
                formats.forEach(f -> set.add(ExportFormat.fromWireName(f.strip())));
                b.formats(set);
            }
            b.heldOutTemplates(heldOutTemplates);
            b.openAiStyle(Exporters.OpenAiStyle.fromWireName(openAiStyle));
            if (splitShares != null) {
                if (splitShares.size() != 3) {
                    throw new UsageException("--split-shares needs three numbers (train,val,test), got " + splitShares);
                }
                b.splitShares(splitShares.get(0), splitShares.get(1), splitShares.get(2));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (!noProgress) {
            b.progress(spec.commandLine().getErr());
        }
        Paraphraser paraphraser = paraphraser();
        if (paraphraser != null) {
            b.paraphraser(paraphraser, paraphraseShare);
        }
        try {
            DatasetBuilder.BuildSummary summary = b.build().build();
            spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary.toJson()));
            return summary.rejected() == 0 ? 0 : 1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        } finally {
            if (paraphraser != null) {
                paraphraser.close();
            }
        }
    }

    private Paraphraser paraphraser() {
        LlmConfig config = ModelFlags.resolve(paraphraseConfig, paraphraseProvider, paraphraseBaseUrl, paraphraseModel,
                paraphraseKeyEnv, null);
        if (config == null) {
            return null;
        }
        try {
            Paraphraser.Builder p = Paraphraser.builder()
                    .model(LlmConfigFiles.blocking(ChatModels.streaming(config), config.timeout().multipliedBy(4)))
                    .modelName(config.provider().configName() + " " + config.baseUrl() + " " + config.model())
                    .requestsPerSecond(paraphraseRate)
                    .cacheFile(paraphraseCache != null ? paraphraseCache : out.resolve("paraphrase-cache.jsonl"));
            if (prices != null) {
                if (prices.size() != 2) {
                    throw new UsageException("--price-per-million needs two numbers (input,output), got " + prices);
                }
                p.prices(prices.get(0), prices.get(1));
            }
            return p.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
