package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.datasets.internal.Html;
import dev.modaweave.datasets.internal.SplitAssigner;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Statistics of a built data set, computed in one streaming pass over its split files: counts by
 * kind, variant, modality, split and template, length histograms, duplicate rates, and what the
 * splits share: captions, media items (all captions of one image), template families and user texts
 * (all zero for a leak-free build). {@link #writeReports(Path)} writes {@code stats.json}, {@code stats.txt},
 * {@code report.html} (inline SVG charts) and refreshes the data card {@code README.md}.
 */
public final class DatasetStats {

    private static final int[] WORD_BINS = {5, 10, 15, 20, 30, 40, 60, 100};

    private final Path dir;
    private long records;
    private final Map<String, Long> byKind = new TreeMap<>();
    private final Map<String, Long> byVariant = new TreeMap<>();
    private final Map<String, Long> byModality = new TreeMap<>();
    private final Map<String, Long> bySplit = new LinkedHashMap<>();
    private final Map<String, Long> byTask = new TreeMap<>();
    private final Map<String, Long> callsPerRecord = new TreeMap<>();
    private final Map<String, Long> userWords = histogram();
    private final Map<String, Long> assistantWords = histogram();
    private final Map<String, Long> sources = new TreeMap<>();
    private long duplicateUserTexts;
    private long crossSplitUserTexts;
    private long captionsInSeveralSplits;
    private long paraphrased;
    private final Map<Long, Integer> userTextSplits = new HashMap<>();
    private final Map<Long, Integer> requestSplits = new HashMap<>();
    private final Map<String, Integer> captionSplits = new HashMap<>();
    private final Map<String, Integer> mediaSplits = new HashMap<>();
    private final Map<String, Integer> familySplits = new HashMap<>();
    private final Map<String, Long> byTemplateSet = new TreeMap<>();
    private final Map<String, Long> byFamily = new TreeMap<>();
    private final Map<String, Overlap> overlaps = new LinkedHashMap<>();
    private long textOnly;
    private final TemplateBank bank = TemplateBank.load();

    /**
     * What two splits share.
     *
     * @param media     media items (images, clips) used in both
     * @param templates template families used in both
     * @param userTexts user texts (all user turns, normalised; media not considered) found in both
     */
    public record Overlap(long media, long templates, long userTexts) {
        /** Whether nothing is shared. */
        public boolean none() {
            return media == 0 && templates == 0 && userTexts == 0;
        }
    }

    private DatasetStats(Path dir) {
        this.dir = dir;
    }

    /**
     * Reads {@code train.jsonl}, {@code val.jsonl} and {@code test.jsonl} of {@code dir}.
     *
     * @throws IllegalArgumentException when none of them exists or a line is not a record
     */
    public static DatasetStats of(Path dir) {
        DatasetStats stats = new DatasetStats(dir);
        boolean any = false;
        for (Split split : Split.values()) {
            Path file = dir.resolve(ExportFormat.NATIVE.fileName(split));
            stats.bySplit.put(split.wireName(), 0L);
            if (Files.exists(file)) {
                any = true;
                stats.read(file, split);
            }
        }
        if (!any) {
            throw new IllegalArgumentException(dir + " holds no train.jsonl, val.jsonl or test.jsonl; run dataset build first");
        }
        stats.captionsInSeveralSplits = stats.captionSplits.values().stream().filter(m -> Integer.bitCount(m) > 1).count();
        Split[] splits = Split.values();
        for (int a = 0; a < splits.length; a++) {
            for (int b = a + 1; b < splits.length; b++) {
                int both = (1 << splits[a].ordinal()) | (1 << splits[b].ordinal());
                stats.overlaps.put(splits[a].wireName() + "/" + splits[b].wireName(), new Overlap(
                        stats.mediaSplits.values().stream().filter(m -> (m & both) == both).count(),
                        stats.familySplits.values().stream().filter(m -> (m & both) == both).count(),
                        stats.requestSplits.values().stream().filter(m -> (m & both) == both).count()));
            }
        }
        return stats;
    }

    private static Map<String, Long> histogram() {
        Map<String, Long> h = new LinkedHashMap<>();
        int from = 0;
        for (int bin : WORD_BINS) {
            h.put(from + "-" + (bin - 1), 0L);
            from = bin;
        }
        h.put(from + "+", 0L);
        return h;
    }

    private static void count(Map<String, Long> histogram, int words) {
        int from = 0;
        for (int bin : WORD_BINS) {
            if (words < bin) {
                histogram.merge(from + "-" + (bin - 1), 1L, Long::sum);
                return;
            }
            from = bin;
        }
        histogram.merge(from + "+", 1L, Long::sum);
    }

    private void read(Path file, Split split) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                DatasetRecord r;
                try {
                    r = DatasetRecord.fromJson(Json.parse(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
                add(r, split);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void add(DatasetRecord r, Split split) {
        records++;
        byKind.merge(r.kind().wireName(), 1L, Long::sum);
        byVariant.merge(r.variant(), 1L, Long::sum);
        bySplit.merge(split.wireName(), 1L, Long::sum);
        Set<String> modalities = new java.util.TreeSet<>();
        r.media().forEach(m -> modalities.add(m.modality().wireName()));
        for (MetaResponse call : r.calls()) {
            byTask.merge(call.task(), 1L, Long::sum);
            modalities.add(switch (call.task()) {
                case Tasks.TEXT_TO_IMAGE, Tasks.IMAGE_EDIT -> "image";
                case Tasks.TEXT_TO_VIDEO -> "video";
                default -> "audio";
            });
        }
        if (modalities.isEmpty()) {
            modalities.add("text");
        }
        modalities.forEach(m -> byModality.merge(m, 1L, Long::sum));
        callsPerRecord.merge(r.calls().size() + " call" + (r.calls().size() == 1 ? "" : "s"), 1L, Long::sum);
        count(userWords, CaptionText.words(r.userText()));
        String answer = r.assistantText();
        for (MetaResponse call : r.calls()) {
            answer = answer.replace(call.toCanonicalText(), " ");
        }
        count(assistantWords, CaptionText.words(answer));
        r.captions().forEach(c -> sources.merge(c.source(), 1L, Long::sum));
        if (r.paraphrased()) {
            paraphrased++;
        }
        StringBuilder instruction = new StringBuilder(CaptionText.normalised(r.userText()));
        r.media().forEach(m -> instruction.append('\u0000').append(m.captionId()));
        long key = CaptionText.stableHash(0, instruction.toString());
        int bit = 1 << split.ordinal();
        Integer seen = userTextSplits.get(key);
        if (seen != null) {
            duplicateUserTexts++;
            if ((seen & bit) == 0) {
                crossSplitUserTexts++;
            }
        }
        userTextSplits.merge(key, bit, (a, b) -> a | b);
        r.captions().forEach(c -> captionSplits.merge(c.id(), bit, (a, b) -> a | b));
        r.captions().forEach(c -> mediaSplits.merge(SplitAssigner.mediaKey(c.id()), bit, (a, b) -> a | b));
        StringBuilder request = new StringBuilder();
        r.messages().stream().filter(m -> m.role().equals(DatasetRecord.Message.USER))
                .forEach(m -> request.append(CaptionText.normalised(m.content())).append('\u0000'));
        requestSplits.merge(CaptionText.stableHash(0, request.toString()), bit, (a, b) -> a | b);
        if (r.calls().isEmpty() && r.media().isEmpty()) {
            textOnly++;
        }
        String family = familyOf(r.template());
        if (family != null) {
            familySplits.merge(family, bit, (a, b) -> a | b);
            byFamily.merge(family, 1L, Long::sum);
            byTemplateSet.merge(family.substring(0, family.indexOf('@')), 1L, Long::sum);
        }
    }

    private String familyOf(String templateRef) {
        int hash = templateRef.lastIndexOf('#');
        if (hash < 0) {
            return null;
        }
        try {
            List<TemplateBank.Template> set = bank.set(templateRef.substring(0, hash));
            int index = Integer.parseInt(templateRef.substring(hash + 1));
            return index < set.size() ? set.get(index).familyRef() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What each pair of splits shares ({@code train/test}…); all zero for a leak-free build. */
    public Map<String, Overlap> overlaps() {
        return overlaps;
    }

    /** Records with neither a call nor attached media: text-only turns. */
    public long textOnly() {
        return textOnly;
    }

    /** Records by user-template set. */
    public Map<String, Long> byTemplateSet() {
        return byTemplateSet;
    }

    /** Records by template family ({@code set@line}). */
    public Map<String, Long> byFamily() {
        return byFamily;
    }

    /** Records read. */
    public long records() {
        return records;
    }

    /** Captions that occur in more than one split (0 for a correct build). */
    public long captionsInSeveralSplits() {
        return captionsInSeveralSplits;
    }

    /**
     * Share of records whose instruction repeats an earlier record's: the same user text (normalised)
     * with the same attached media. The same question about different photos is not a duplicate.
     */
    public double duplicateRate() {
        return records == 0 ? 0 : duplicateUserTexts / (double) records;
    }

    /** Records by source of their captions. */
    public Map<String, Long> sources() {
        return sources;
    }

    /** The statistics as JSON. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("records", records);
        o.set("bySplit", Json.MAPPER.valueToTree(bySplit));
        o.set("byKind", Json.MAPPER.valueToTree(byKind));
        o.set("byVariant", Json.MAPPER.valueToTree(byVariant));
        o.set("byModality", Json.MAPPER.valueToTree(byModality));
        o.set("byTask", Json.MAPPER.valueToTree(byTask));
        o.set("callsPerRecord", Json.MAPPER.valueToTree(callsPerRecord));
        o.set("userWords", Json.MAPPER.valueToTree(userWords));
        o.set("assistantWords", Json.MAPPER.valueToTree(assistantWords));
        o.set("sources", Json.MAPPER.valueToTree(sources));
        o.put("paraphrased", paraphrased);
        o.put("duplicateInstructionRate", duplicateRate());
        o.put("crossSplitInstructions", crossSplitUserTexts);
        o.put("captionsInSeveralSplits", captionsInSeveralSplits);
        o.put("textOnlyRecords", textOnly);
        o.put("textOnlyShare", records == 0 ? 0 : textOnly / (double) records);
        ObjectNode ov = o.putObject("splitOverlap");
        overlaps.forEach((k, v) -> ov.putObject(k).put("media", v.media()).put("templates", v.templates())
                .put("userTexts", v.userTexts()));
        o.set("byTemplateSet", Json.MAPPER.valueToTree(byTemplateSet));
        o.set("byTemplateFamily", Json.MAPPER.valueToTree(byFamily));
        JsonNode build = buildSummary();
        if (build != null) {
            o.set("build", build);
        }
        return o;
    }

    private JsonNode buildSummary() {
        Path file = dir.resolve("build.json");
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The statistics as plain text. */
    public String toText() {
        StringBuilder t = new StringBuilder();
        t.append("records: ").append(records).append('\n');
        section(t, "by split", bySplit);
        section(t, "by kind", byKind);
        section(t, "by variant", byVariant);
        section(t, "by modality", byModality);
        section(t, "calls by task", byTask);
        section(t, "calls per record", callsPerRecord);
        section(t, "user text length (words)", userWords);
        section(t, "assistant text length (words, calls excluded)", assistantWords);
        section(t, "caption uses by source", sources);
        t.append(String.format("duplicate instructions (same text and media): %.2f%% (%d records; %d repeat one of another split)%n",
                duplicateRate() * 100, duplicateUserTexts, crossSplitUserTexts));
        t.append("captions in more than one split: ").append(captionsInSeveralSplits).append('\n');
        t.append("shared between splits (media items / template families / user texts):\n");
        overlaps.forEach((k, v) -> t.append(String.format("  %-28s %d / %d / %d%n", k, v.media(), v.templates(), v.userTexts())));
        t.append(String.format("text-only records (no call, no media): %d (%.1f%%)%n", textOnly,
                records == 0 ? 0 : 100.0 * textOnly / records));
        section(t, "records by template set", byTemplateSet);
        t.append("paraphrased records: ").append(paraphrased).append('\n');
        JsonNode build = buildSummary();
        if (build != null) {
            JsonNode d = build.path("dedup");
            t.append(String.format("caption duplicates removed at build: %d exact, %d near (cosine >= %s, %s mode) of %d read%n",
                    d.path("exactDuplicates").asLong(), d.path("nearDuplicates").asLong(), d.path("threshold").asText(),
                    d.path("mode").asText(), d.path("captionsRead").asLong()));
        }
        return t.toString();
    }

    private static void section(StringBuilder t, String title, Map<String, Long> values) {
        t.append(title).append(":\n");
        values.forEach((k, v) -> t.append(String.format("  %-28s %d%n", k, v)));
    }

    /** The HTML report with charts. */
    public String toHtml() {
        StringBuilder b = new StringBuilder();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records", records);
        summary.put("duplicate instructions (same text and media)", String.format("%.2f%%", duplicateRate() * 100));
        summary.put("instructions repeated across splits", crossSplitUserTexts);
        summary.put("captions in more than one split", captionsInSeveralSplits);
        overlaps.forEach((k, v) -> summary.put("shared " + k + " (media / templates / user texts)",
                v.media() + " / " + v.templates() + " / " + v.userTexts()));
        summary.put("text-only records", textOnly);
        summary.put("paraphrased records", paraphrased);
        JsonNode build = buildSummary();
        if (build != null) {
            JsonNode d = build.path("dedup");
            summary.put("captions read", d.path("captionsRead").asLong());
            summary.put("exact duplicate captions removed", d.path("exactDuplicates").asLong());
            summary.put("near-duplicate captions removed", d.path("nearDuplicates").asLong());
            summary.put("records rejected by parser/validator", build.path("rejected").asLong());
        }
        b.append(Html.table(summary));
        b.append(Html.barChart("Records by split", bySplit));
        b.append(Html.barChart("Records by kind", byKind));
        b.append(Html.barChart("Records by variant", byVariant));
        b.append(Html.barChart("Records by modality", byModality));
        b.append(Html.barChart("Calls by task", byTask));
        b.append(Html.barChart("Calls per record", callsPerRecord));
        b.append(Html.barChart("User text length (words)", userWords));
        b.append(Html.barChart("Assistant text length (words, calls excluded)", assistantWords));
        b.append(Html.barChart("Caption uses by source", sources));
        b.append(Html.barChart("Records by template set", byTemplateSet));
        return Html.page("Modaweave data set report", b.toString());
    }

    /** Writes {@code stats.json}, {@code stats.txt}, {@code report.html} and the data card into the data set's directory. */
    public void writeReports(Path outDir) {
        try {
            Files.createDirectories(outDir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("stats.json").toFile(), toJson());
            Files.writeString(outDir.resolve("stats.txt"), toText(), StandardCharsets.UTF_8);
            Files.writeString(outDir.resolve("report.html"), toHtml(), StandardCharsets.UTF_8);
            JsonNode build = buildSummary();
            Files.writeString(outDir.resolve("README.md"), DataCard.render(build, this), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports into " + outDir, e);
        }
    }

    Map<String, Long> byKind() {
        return byKind;
    }

    Map<String, Long> bySplit() {
        return bySplit;
    }
}
