package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.datasets.internal.CaptionForms;
import dev.modaweave.datasets.internal.ProgressBar;
import dev.modaweave.datasets.internal.RecordGenerator;
import dev.modaweave.datasets.internal.SplitAssigner;
import dev.modaweave.tools.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds instruction data from caption corpora: reads the captions, removes duplicates and
 * near-duplicates, leaves out garbled and meta captions, assigns every image or clip to one split
 * (the corpus's test split stays test; else a seeded hash of the media item), renders records
 * from the template bank (optionally paraphrasing the user's text), checks every record with
 * agent-core's parser and validator, and streams the records that pass to the split files and the
 * exports. Finally writes {@code build.json} and the data card {@code README.md}.
 *
 * <p>Memory holds the captions (not the records): records are written as they are made.
 */
public final class DatasetBuilder {

    private final List<Path> captionPaths;
    private final List<Caption> captionList;
    private final CaptionReader reader;
    private final Path outDir;
    private final long seed;
    private final Long size;
    private final NearDuplicateFilter.Options dedup;
    private final Supplier<SentenceEmbedder> embedder;
    private final Paraphraser paraphraser;
    private final double paraphraseShare;
    private final Set<ExportFormat> formats;
    private final double[] splitShares;
    private final PrintWriter progress;
    private final RecordChecker checker;
    private final double heldOut;
    private final Exporters.OpenAiStyle openAiStyle;

    private DatasetBuilder(Builder b) {
        if (b.captionPaths.isEmpty() && b.captionList == null) {
            throw new IllegalArgumentException("no captions given; pass caption files or directories");
        }
        this.captionPaths = List.copyOf(b.captionPaths);
        this.captionList = b.captionList;
        this.reader = new CaptionReader(b.columns);
        this.outDir = Objects.requireNonNull(b.outDir, "outDir");
        this.seed = b.seed;
        this.size = b.size;
        this.dedup = b.dedup;
        this.embedder = b.embedder;
        this.paraphraser = b.paraphraser;
        this.paraphraseShare = b.paraphraseShare;
        this.formats = b.formats.isEmpty() ? EnumSet.of(ExportFormat.NATIVE) : EnumSet.copyOf(b.formats);
        this.formats.add(ExportFormat.NATIVE);
        this.splitShares = b.splitShares.clone();
        this.progress = b.progress;
        this.checker = RecordChecker.forDatasetTools();
        this.heldOut = b.heldOut;
        this.openAiStyle = b.openAiStyle;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the build. @throws UncheckedIOException when the output cannot be written */
    public BuildSummary build() {
        long start = System.nanoTime();
        List<Caption> all = new ArrayList<>();
        if (captionList != null) {
            all.addAll(captionList);
        }
        reader.read(captionPaths, all::add);
        ProgressBar dedupBar = new ProgressBar(progress, "duplicate check", all.size(), () -> "");
        long[] reported = {0};
        NearDuplicateFilter.Result dedupResult = new NearDuplicateFilter(
                dedup.mode() == NearDuplicateFilter.Mode.EXACT ? texts -> new float[0][] : embedder.get(), dedup)
                .filter(all, decided -> {
                    while (reported[0] < decided) {
                        dedupBar.step();
                        reported[0]++;
                    }
                });
        if (reported[0] > 0) {
            dedupBar.finish();
        }
        all = null;
        List<Caption> captions = new ArrayList<>();
        Map<String, Long> filtered = new TreeMap<>();
        List<String> filterExamples = new ArrayList<>();
        for (Caption c : dedupResult.kept()) {
            String why = CaptionForms.rejection(c.text());
            if (why == null) {
                captions.add(c);
            } else {
                filtered.merge(why, 1L, Long::sum);
                if (filterExamples.size() < 20) {
                    filterExamples.add(c.id() + " (" + why + "): " + c.text());
                }
            }
        }
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("every caption was filtered out as garbled or meta: " + filtered);
        }
        Split[] splitOf = new Split[captions.size()];
        Map<String, Long> sources = new TreeMap<>();
        for (int i = 0; i < captions.size(); i++) {
            splitOf[i] = SplitAssigner.splitOf(seed, captions.get(i), splitShares);
            sources.merge(captions.get(i).source(), 1L, Long::sum);
        }
        long total = size != null ? size : captions.size();
        RecordGenerator generator = new RecordGenerator(TemplateBank.load(), captions, splitOf, seed, heldOut);
        Map<ExportFormat, Map<Split, Exporters.RecordWriter>> writers = new EnumMap<>(ExportFormat.class);
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> skipped = new TreeMap<>();
        Map<String, Caption> byId = new java.util.HashMap<>();
        captions.forEach(c -> byId.put(c.id(), c));
        DataReview review = new DataReview(byId::get);
        List<String> rejections = new ArrayList<>();
        long rejected = 0;
        long written = 0;
        ProgressBar bar = new ProgressBar(progress, "records", total, () -> paraphraser == null ? ""
                : String.format("paraphrase requests %d, cached %d, est. cost $%.4f", paraphraser.stats().requests(),
                paraphraser.stats().cacheHits(), paraphraser.stats().estimatedCost()));
        long generationStart = System.nanoTime();
        try {
            Files.createDirectories(outDir);
            for (ExportFormat f : formats) {
                Map<Split, Exporters.RecordWriter> bySplit = new EnumMap<>(Split.class);
                for (Split s : Split.values()) {
                    bySplit.put(s, Exporters.open(f, outDir, s, openAiStyle));
                }
                writers.put(f, bySplit);
            }
            for (long i = 0; i < total; i++) {
                DatasetRecord record = generator.next(i);
                if (paraphraser != null && CaptionText.unit(seed, "paraphrase:" + record.id()) < paraphraseShare) {
                    String rewritten = paraphraser.paraphrase(record.lastUserText());
                    if (!rewritten.equals(record.lastUserText())) {
                        record = record.withUserText(rewritten);
                    }
                }
                List<String> problems = checker.problems(record);
                if (!problems.isEmpty()) {
                    rejected++;
                    if (rejections.size() < 20) {
                        rejections.add(record.id() + ": " + String.join("; ", problems));
                    }
                } else {
                    review.review(record);
                    for (ExportFormat f : formats) {
                        String reason = writers.get(f).get(record.split()).write(record);
                        if (reason != null) {
                            skipped.merge(f.wireName() + ": " + reason, 1L, Long::sum);
                        }
                    }
                    written++;
                    counts.merge(record.split().wireName() + "/" + record.kind().wireName(), 1L, Long::sum);
                }
                bar.step();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir, e);
        } finally {
            writers.values().forEach(m -> m.values().forEach(Exporters.RecordWriter::close));
            bar.finish();
        }
        double generationSeconds = (System.nanoTime() - generationStart) / 1e9;
        BuildSummary summary = new BuildSummary(seed, total, written, rejected, rejections, counts, skipped, sources,
                dedupResult.input(), dedupResult.exactDuplicates(), dedupResult.nearDuplicates(), dedupResult.embedded(),
                dedup.threshold(), dedup.mode().name().toLowerCase(java.util.Locale.ROOT), dedupResult.seconds(),
                generationSeconds, (System.nanoTime() - start) / 1e9,
                paraphraser == null ? null : paraphraser.stats(), filtered, filterExamples, heldOut, review.toJson());
        write(outDir.resolve("build.json"), Json.MAPPER.writerWithDefaultPrettyPrinter(), summary.toJson());
        try {
            Files.writeString(outDir.resolve("README.md"), DataCard.render(summary.toJson(), null), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the data card in " + outDir, e);
        }
        return summary;
    }

    private static void write(Path file, com.fasterxml.jackson.databind.ObjectWriter writer, ObjectNode node) {
        try {
            writer.writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * What a build did, also written as {@code build.json}.
     *
     * @param seed               the seed
     * @param requested          records requested
     * @param written            records that passed the checks and were written
     * @param rejected           records that failed the parser or validator check
     * @param rejections         the first reasons for rejection
     * @param counts             written records by {@code split/kind}
     * @param skippedByFormat    records an export could not express, by {@code format: reason}
     * @param sources            kept captions by source
     * @param captionsRead       captions read
     * @param exactDuplicates    captions dropped as exact (normalised) duplicates
     * @param nearDuplicates     captions dropped as near-duplicates
     * @param embedded           captions embedded by the near-duplicate pass
     * @param threshold          near-duplicate cosine threshold
     * @param dedupMode          near-duplicate candidate mode
     * @param dedupSeconds       time of the duplicate removal
     * @param generationSeconds  time of rendering, checking and writing the records
     * @param totalSeconds       time of the whole build
     * @param paraphrase         paraphraser counters; null when not used
     * @param filtered           captions left out as garbled or meta, by reason
     * @param filterExamples     the first captions left out, with the reason
     * @param heldOutShare       share of template families used only in val and test
     * @param review             {@link DataReview} defect counts of the written records, and examples
     */
    public record BuildSummary(long seed, long requested, long written, long rejected, List<String> rejections,
                               Map<String, Long> counts, Map<String, Long> skippedByFormat, Map<String, Long> sources,
                               long captionsRead, long exactDuplicates, long nearDuplicates, long embedded,
                               double threshold, String dedupMode, double dedupSeconds, double generationSeconds,
                               double totalSeconds, Paraphraser.Stats paraphrase, Map<String, Long> filtered,
                               List<String> filterExamples, double heldOutShare, ObjectNode review) {

        /** The summary as JSON. */
        public ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("seed", seed).put("requested", requested).put("written", written).put("rejected", rejected);
            rejections.forEach(o.putArray("rejections")::add);
            ObjectNode c = o.putObject("counts");
            counts.forEach(c::put);
            ObjectNode s = o.putObject("exportSkipped");
            skippedByFormat.forEach(s::put);
            ObjectNode src = o.putObject("sources");
            sources.forEach(src::put);
            o.putObject("dedup").put("captionsRead", captionsRead).put("exactDuplicates", exactDuplicates)
                    .put("nearDuplicates", nearDuplicates).put("embedded", embedded).put("threshold", threshold)
                    .put("mode", dedupMode).put("seconds", dedupSeconds);
            ObjectNode f = o.putObject("captionsFiltered");
            filtered.forEach(f::put);
            filterExamples.forEach(o.putArray("filterExamples")::add);
            o.put("heldOutTemplateShare", heldOutShare);
            o.set("review", review);
            o.put("generationSeconds", generationSeconds).put("totalSeconds", totalSeconds);
            if (paraphrase != null) {
                o.set("paraphrase", Json.MAPPER.valueToTree(paraphrase));
            }
            return o;
        }
    }

    /** Builder of a build; captions and the output directory are required. */
    public static final class Builder {
        private final List<Path> captionPaths = new ArrayList<>();
        private List<Caption> captionList;
        private CaptionReader.Columns columns = CaptionReader.Columns.defaults();
        private Path outDir;
        private long seed = 42;
        private Long size;
        private NearDuplicateFilter.Options dedup = NearDuplicateFilter.Options.defaults();
        private Supplier<SentenceEmbedder> embedder = SentenceEmbedder::miniLmQuantized;
        private Paraphraser paraphraser;
        private double paraphraseShare = 1.0;
        private final Set<ExportFormat> formats = EnumSet.allOf(ExportFormat.class);
        private double[] splitShares = SplitAssigner.DEFAULT;
        private PrintWriter progress;
        private double heldOut = RecordGenerator.DEFAULT_HELD_OUT;
        private Exporters.OpenAiStyle openAiStyle = Exporters.OpenAiStyle.TOOLS;

        /** Caption files or directories (JSONL or CSV). */
        public Builder captions(List<Path> paths) { captionPaths.addAll(paths); return this; }
        /** Captions already in memory (benchmarks, tests); read before any files. */
        public Builder captionList(List<Caption> captions) { this.captionList = List.copyOf(captions); return this; }
        public Builder columns(CaptionReader.Columns columns) { this.columns = columns; return this; }
        public Builder outDir(Path dir) { this.outDir = dir; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** Records to write; the number of kept captions when not set. */
        public Builder size(long size) {
            if (size < 1) {
                throw new IllegalArgumentException("size " + size + " is invalid; ask for at least 1 record");
            }
            this.size = size;
            return this;
        }
        public Builder dedup(NearDuplicateFilter.Options options) { this.dedup = options; return this; }
        /** The embedder of the near-duplicate pass; all-MiniLM-L6-v2 with 8-bit weights by default. */
        public Builder embedder(Supplier<SentenceEmbedder> embedder) { this.embedder = embedder; return this; }
        /** Paraphrases this share (0..1) of the user texts with {@code paraphraser}. */
        public Builder paraphraser(Paraphraser paraphraser, double share) {
            if (share < 0 || share > 1) {
                throw new IllegalArgumentException("paraphrase share " + share + " is out of range; use 0 to 1");
            }
            this.paraphraser = paraphraser;
            this.paraphraseShare = share;
            return this;
        }
        /** The exports to write (native is always written); all by default. */
        public Builder formats(Set<ExportFormat> formats) {
            this.formats.clear();
            this.formats.addAll(formats);
            return this;
        }
        /** Train, validation and test shares, e.g. 0.8, 0.1, 0.1. */
        public Builder splitShares(double train, double val, double test) {
            if (train <= 0 || val < 0 || test < 0) {
                throw new IllegalArgumentException("split shares " + train + "/" + val + "/" + test
                        + " are invalid; train must be positive, val and test not negative");
            }
            this.splitShares = new double[] {train, val, test};
            return this;
        }
        /**
         * Share (0 to below 1) of every template set's families, speech lines, style tags and music
         * pieces used only in val and test, half each; 0.3 by default.
         */
        public Builder heldOutTemplates(double share) {
            if (share < 0 || share >= 1) {
                throw new IllegalArgumentException("held-out template share " + share + " is out of range; use 0 to below 1");
            }
            this.heldOut = share;
            return this;
        }

        /** How the OpenAI export writes calls: native {@code tool_calls} (default) or {@code <meta>} text. */
        public Builder openAiStyle(Exporters.OpenAiStyle style) {
            this.openAiStyle = java.util.Objects.requireNonNull(style, "style");
            return this;
        }

        /** Where to draw the progress bar (stderr); none when null. */
        public Builder progress(PrintWriter out) { this.progress = out; return this; }

        public DatasetBuilder build() {
            return new DatasetBuilder(this);
        }
    }
}
