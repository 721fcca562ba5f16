package dev.modaweave.app.dataset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.modaweave.app.UsageException;
import dev.modaweave.datasets.Caption;
import dev.modaweave.datasets.CaptionReader;
import dev.modaweave.datasets.DatasetBuilder;
import dev.modaweave.datasets.ExportFormat;
import dev.modaweave.datasets.NearDuplicateFilter;
import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.tools.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code modaweave bench dataset}: the data builder's throughput in template mode and the
 * near-duplicate removal's over many captions, one JSON line per measurement.
 */
@Command(name = "dataset",
        mixinStandardHelpOptions = true,
        description = {"Measure dataset build throughput (template mode) and near-duplicate removal.",
                "Captions beyond the corpora's own are synthesised deterministically from them (the output says how many)."})
public final class DatasetBenchCommand implements Runnable {

    private static final List<String> SUFFIXES = List.of("at dusk", "in the rain", "seen from above", "on a sunny day",
            "in black and white", "late at night", "in slow motion", "from far away", "in winter", "close up");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--captions", paramLabel = "PATH", arity = "1..*",
            description = "Caption corpora (default: ../shared/datasets/captions or shared/datasets/captions if present).")
    List<Path> captions;

    @Option(names = "--records", defaultValue = "100000", description = "Records to build in template mode (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--dedup-captions", defaultValue = "100000",
            description = "Captions for near-duplicate removal (default: ${DEFAULT-VALUE}).")
    int dedupCaptions;

    @Option(names = "--dedup", defaultValue = "embedding", paramLabel = "MODE",
            description = "Candidate mode of the near-duplicate run: lexical, embedding, all-pairs (default: ${DEFAULT-VALUE}).")
    String dedupMode;

    @Option(names = "--recall-sample", defaultValue = "20000", paramLabel = "N",
            description = "Captions (the first N of the duplicate-removal input) on which the chosen mode's recall is "
                    + "measured against exact all-pairs search; 0 skips it (default: ${DEFAULT-VALUE}).")
    int recallSample;

    @Option(names = "--min-jaccard", defaultValue = "0.5",
            description = "Lexical mode: least estimated word Jaccard of a candidate pair (default: ${DEFAULT-VALUE}).")
    double minJaccard;

    @Option(names = "--threshold", defaultValue = "0.92", description = "Cosine threshold (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--embedder", defaultValue = "minilm-q", paramLabel = "NAME",
            description = "Sentence embedder of the near-duplicate run: minilm-q (all-MiniLM-L6-v2 with 8-bit weights) "
                    + "or minilm (full precision) (default: ${DEFAULT-VALUE}).")
    String embedderName;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--skip", split = ",", description = "Measurements to skip: build, dedup, embedding.")
    List<String> skip = List.of();

    @Override
    public void run() {
        List<Caption> real = loadCaptions();
        int cores = Runtime.getRuntime().availableProcessors();
        if (!skip.contains("embedding")) {
            embedding(real, cores);
        }
        if (!skip.contains("build")) {
            build(real, cores);
        }
        if (!skip.contains("dedup")) {
            dedup(real, cores);
        }
    }

    private List<Caption> loadCaptions() {
        List<Path> paths = captions;
        if (paths == null) {
            paths = Stream.of(Path.of("..", "shared", "datasets", "captions"), Path.of("shared", "datasets", "captions"))
                    .filter(Files::isDirectory).limit(1).toList();
            if (paths.isEmpty()) {
                throw new UsageException("no caption corpora found at ../shared/datasets/captions; pass --captions DIR");
            }
        }
        List<Caption> list = new ArrayList<>();
        try {
            CaptionReader.withDefaults().read(paths, list::add);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return list;
    }

    private void embedding(List<Caption> real, int cores) {
        List<String> texts = real.stream().limit(1000).map(Caption::text).toList();
        SentenceEmbedder batched = SentenceEmbedder.miniLm();
        batched.embed(texts.subList(0, 64));
        long t0 = System.nanoTime();
        batched.embed(texts);
        double batchedSeconds = (System.nanoTime() - t0) / 1e9;
        SentenceEmbedder quantized = SentenceEmbedder.miniLmQuantized();
        quantized.embed(texts.subList(0, 64));
        long tq = System.nanoTime();
        quantized.embed(texts);
        double quantizedSeconds = (System.nanoTime() - tq) / 1e9;
        AllMiniLmL6V2EmbeddingModel plain = new AllMiniLmL6V2EmbeddingModel();
        plain.embedAll(texts.subList(0, 64).stream().map(TextSegment::from).toList());
        long t1 = System.nanoTime();
        plain.embedAll(texts.stream().map(TextSegment::from).toList());
        double plainSeconds = (System.nanoTime() - t1) / 1e9;
        ObjectNode o = line("dataset.embedding", cores);
        o.put("texts", texts.size());
        o.put("batchedTextsPerSecond", round(texts.size() / batchedSeconds));
        o.put("quantizedBatchedTextsPerSecond", round(texts.size() / quantizedSeconds));
        o.put("langchain4jEmbedAllTextsPerSecond", round(texts.size() / plainSeconds));
        o.put("speedup", round(plainSeconds / batchedSeconds));
        print(o);
    }

    private void build(List<Caption> real, int cores) {
        Path dir = tempDir();
        try {
            DatasetBuilder.BuildSummary s = DatasetBuilder.builder().captionList(real).outDir(dir).seed(seed).size(records)
                    .dedup(NearDuplicateFilter.Options.defaults().withMode(NearDuplicateFilter.Mode.EXACT))
                    .formats(EnumSet.allOf(ExportFormat.class)).build().build();
            ObjectNode o = line("dataset.build.template-mode", cores);
            o.put("records", s.written());
            o.put("rejected", s.rejected());
            o.put("captions", real.size());
            o.put("exports", "native, llava, modaverse, openai");
            o.put("seconds", round(s.generationSeconds()));
            o.put("recordsPerSecond", round(s.written() / s.generationSeconds()));
            o.put("totalSecondsWithReading", round(s.totalSeconds()));
            o.put("goalSeconds", 60);
            o.put("note", "records rendered, checked by parser and validator, and written in all four formats");
            print(o);
        } finally {
            delete(dir);
        }
    }

    private void dedup(List<Caption> real, int cores) {
        List<Caption> input = synthesise(real, dedupCaptions, seed);
        NearDuplicateFilter.Options options = NearDuplicateFilter.Options.defaults().withThreshold(threshold)
                .withMode(NearDuplicateFilter.Mode.valueOf(dedupMode.toUpperCase(Locale.ROOT).replace('-', '_'))).withMinJaccard(minJaccard);
        SentenceEmbedder embedder;
        try {
            embedder = SentenceEmbedder.named(embedderName);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        NearDuplicateFilter.Result r = new NearDuplicateFilter(embedder, options).filter(input);
        ObjectNode o = line("dataset.near-duplicate-removal", cores);
        o.put("captions", input.size());
        o.put("realCaptions", Math.min(real.size(), input.size()));
        o.put("synthesisedCaptions", Math.max(0, input.size() - real.size()));
        o.put("mode", options.mode().name().toLowerCase(Locale.ROOT));
        o.put("embedder", embedderName);
        o.put("threshold", threshold);
        o.put("minJaccard", minJaccard);
        o.put("exactDuplicates", r.exactDuplicates());
        o.put("nearDuplicates", r.nearDuplicates());
        o.put("kept", r.kept().size());
        o.put("embedded", r.embedded());
        o.put("comparisons", r.comparisons());
        o.put("seconds", round(r.seconds()));
        o.put("captionsPerSecond", round(input.size() / r.seconds()));
        o.put("goalSeconds", 60);
        o.put("note", "captions beyond the corpora are synthesised deterministically: case/punctuation copies, "
                + "an added phrase, a dropped word, a prefix, and halves of two captions spliced");
        print(o);
        if (recallSample > 0) {
            print(recall(input.subList(0, Math.min(recallSample, input.size())), options, embedder, cores));
        }
    }

    /**
     * The near-duplicates the chosen mode finds on {@code sample} against those exact all-pairs search
     * finds (every caption compared with every earlier kept one of its modality, same threshold).
     */
    private ObjectNode recall(List<Caption> sample, NearDuplicateFilter.Options options, SentenceEmbedder model, int cores) {
        // Both searches read the same vectors: embedded once here, so that the recall measures the candidate
        // search alone (an 8-bit model's vector of a text shifts a little with the batch it is embedded in).
        List<String> texts = sample.stream().map(Caption::text).distinct().toList();
        float[][] vectors = model.embed(texts);
        Map<String, float[]> byText = new java.util.HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byText.put(texts.get(i), vectors[i]);
        }
        SentenceEmbedder embedder = batch -> batch.stream().map(byText::get).toArray(float[][]::new);
        NearDuplicateFilter.Result exact = new NearDuplicateFilter(embedder,
                options.withMode(NearDuplicateFilter.Mode.ALL_PAIRS)).filter(sample);
        NearDuplicateFilter.Result approximate = new NearDuplicateFilter(embedder, options).filter(sample);
        java.util.Set<String> keptExact = new java.util.HashSet<>();
        exact.kept().forEach(c -> keptExact.add(c.id()));
        java.util.Set<String> keptApproximate = new java.util.HashSet<>();
        approximate.kept().forEach(c -> keptApproximate.add(c.id()));
        long exactDropped = sample.size() - exact.exactDuplicates() - keptExact.size();
        long bothDropped = sample.stream().filter(c -> !keptExact.contains(c.id()) && !keptApproximate.contains(c.id())).count()
                - exact.exactDuplicates();
        long approximateDropped = sample.size() - approximate.exactDuplicates() - keptApproximate.size();
        ObjectNode o = line("dataset.near-duplicate-recall", cores);
        o.put("captions", sample.size());
        o.put("mode", options.mode().name().toLowerCase(Locale.ROOT));
        o.put("nearDuplicatesExact", exactDropped);
        o.put("nearDuplicatesFound", approximateDropped);
        o.put("foundAlsoByExact", bothDropped);
        o.put("recall", exactDropped == 0 ? 1.0 : Math.round(1000.0 * bothDropped / exactDropped) / 1000.0);
        o.put("precision", approximateDropped == 0 ? 1.0 : Math.round(1000.0 * bothDropped / approximateDropped) / 1000.0);
        o.put("exactComparisons", exact.comparisons());
        o.put("comparisons", approximate.comparisons());
        o.put("exactSeconds", round(exact.seconds()));
        o.put("seconds", round(approximate.seconds()));
        o.put("note", "near-duplicates (beyond the exact normalised ones) removed on the first captions of the "
                + "input, against exact search over every pair on the same vectors (embedded once, not timed); "
                + "recall = share of exact's found too");
        return o;
    }

    /**
     * {@code n} captions: the real ones first, then variants of them made with a seeded random: a
     * copy differing in case and punctuation (an exact duplicate after normalisation), the caption
     * with a phrase added, with one word dropped, with a "close-up of" prefix, or the first half of
     * one caption joined to the second half of another of the same modality (mostly new text).
     */
    static List<Caption> synthesise(List<Caption> real, int n, long seed) {
        List<Caption> out = new ArrayList<>(n);
        out.addAll(real.subList(0, Math.min(n, real.size())));
        Map<dev.modaweave.tools.Modality, List<Caption>> byModality = real.stream()
                .collect(Collectors.groupingBy(Caption::modality));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = out.size(); i < n; i++) {
            Caption base = real.get(random.nextInt(real.size()));
            String[] words = base.text().strip().split("\\s+");
            String text = switch (random.nextInt(6)) {
                case 0 -> base.text().toUpperCase(Locale.ROOT) + "!";
                case 1 -> base.text().replaceAll("[.!]+$", "") + " " + SUFFIXES.get(random.nextInt(SUFFIXES.size()));
                case 2 -> {
                    int drop = random.nextInt(words.length);
                    List<String> kept = new ArrayList<>(List.of(words));
                    if (kept.size() > 2) {
                        kept.remove(drop);
                    }
                    yield String.join(" ", kept);
                }
                case 3 -> "close-up of " + base.text();
                default -> {
                    List<Caption> same = byModality.get(base.modality());
                    String[] other = same.get(random.nextInt(same.size())).text().strip().split("\\s+");
                    yield String.join(" ", List.of(words).subList(0, (words.length + 1) / 2)) + " "
                            + String.join(" ", List.of(other).subList(other.length / 2, other.length));
                }
            };
            out.add(new Caption(base.id() + "~syn" + i, text, base.modality(), base.source(), base.split()));
        }
        return out;
    }

    private static ObjectNode line(String benchmark, int cores) {
        ObjectNode o = Json.object();
        o.put("benchmark", benchmark);
        o.put("cores", cores);
        o.put("loadAverage1m", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return o;
    }

    private void print(ObjectNode o) {
        spec.commandLine().getOut().println(Json.write(o));
        spec.commandLine().getOut().flush();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("modaweave-bench-dataset");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
