package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data card ({@code README.md}) written into a data set's directory: what it is, how it was
 * built, its sources and their licences, and the terms the whole inherits.
 */
public final class DataCard {

    /**
     * What is known about a caption corpus's terms.
     *
     * @param licence       the terms, in one line
     * @param researchOnly  whether it restricts use to research / non-commercial purposes
     */
    public record SourceTerms(String licence, boolean researchOnly) {
    }

    private DataCard() {
    }

    /** The terms of a source, recognised by name; unknown sources say so. */
    public static SourceTerms termsOf(String source) {
        String s = source.toLowerCase(Locale.ROOT);
        if (s.contains("coco")) {
            return new SourceTerms("COCO annotations: CC BY 4.0 (attribute the COCO Consortium); the images themselves "
                    + "(not included) have their own Flickr terms", false);
        }
        if (s.contains("msr-vtt") || s.contains("msrvtt")) {
            return new SourceTerms("MSR-VTT: Microsoft Research dataset for research, non-commercial use only", true);
        }
        if (s.contains("audiocaps")) {
            return new SourceTerms("AudioCaps: free for academic (research, non-commercial) purposes only; "
                    + "AudioSet clips (not included) have their own terms", true);
        }
        return new SourceTerms("not known to Modaweave: check the corpus's own terms before using or sharing", false);
    }

    /**
     * Renders the card.
     *
     * @param build the build summary ({@code build.json}); may be null
     * @param stats statistics of the split files; may be null
     */
    public static String render(JsonNode build, DatasetStats stats) {
        Map<String, Long> sources = new TreeMap<>();
        if (stats != null) {
            sources.putAll(stats.sources());
        } else if (build != null) {
            build.path("sources").properties().forEach(e -> sources.put(e.getKey(), e.getValue().asLong()));
        }
        StringBuilder md = new StringBuilder();
        md.append("# Meta-response instruction data\n\n");
        md.append("Instruction examples for teaching a language model to answer in text and, where media should be "
                + "made, to write Modaweave meta-responses (`<meta>{\"id\":…,\"task\":…,\"args\":{…}}</meta>`). "
                + "Built by `modaweave dataset build` from caption corpora: no images, video or audio are included; "
                + "media are referred to by caption id.\n\n");
        md.append("## Contents\n\n");
        md.append("- `train.jsonl`, `val.jsonl`, `test.jsonl`: one record per line (format: `record.schema.json` in the "
                + "modaweave-datasets module).\n");
        md.append("- `llava/`, `modaverse/`, `openai/`: the same records as LLaVA conversations, ModaVerse "
                + "`Modality: [..] Prompt: ..` text (records with speech or edit calls left out) and OpenAI chat "
                + "fine-tuning lines with `tool_calls`.\n");
        md.append("- Kinds (after ModaVerse): `alignment` (media in the user turn, a descriptive answer), `generation` "
                + "(one call whose prompt carries a caption), `reasoning` (several calls with dependencies, interleaved "
                + "media, and turns that need no call).\n");
        md.append("- Splits are by media item and by template: every caption of one image or clip is in one split, the "
                + "corpora's own test captions are only in test, and a share of every template set's lines (and of the speech "
                + "lines, styles and music pieces) is used only in val or only in test, so the test split measures wording "
                + "that training never saw.\n\n");
        if (build != null) {
            JsonNode d = build.path("dedup");
            md.append("## Build\n\n");
            md.append("| setting | value |\n|---|---|\n");
            md.append("| seed | ").append(build.path("seed").asLong()).append(" |\n");
            md.append("| records written | ").append(build.path("written").asLong()).append(" |\n");
            md.append("| records rejected by the parser/validator check | ").append(build.path("rejected").asLong()).append(" |\n");
            md.append("| captions read | ").append(d.path("captionsRead").asLong()).append(" |\n");
            md.append("| exact duplicate captions removed | ").append(d.path("exactDuplicates").asLong()).append(" |\n");
            md.append("| near-duplicate captions removed | ").append(d.path("nearDuplicates").asLong())
                    .append(" (all-MiniLM-L6-v2 cosine ≥ ").append(d.path("threshold").asText()).append(", ")
                    .append(d.path("mode").asText()).append(" candidates) |\n");
            md.append("| template families held out of train (half val, half test) | ")
                    .append(build.path("heldOutTemplateShare").asDouble()).append(" |\n");
            if (build.has("paraphrase")) {
                md.append("| paraphrase requests | ").append(build.path("paraphrase").path("requests").asLong()).append(" |\n");
            }
            md.append('\n');
        }
        if (build != null) {
            md.append("### Captions left out\n\n| reason | captions |\n|---|---|\n");
            build.path("captionsFiltered").properties().forEach(e -> md.append("| ").append(e.getKey()).append(" | ")
                    .append(e.getValue().asLong()).append(" |\n"));
            md.append("\n### Records an export could not express\n\n| export: reason | records |\n|---|---|\n");
            build.path("exportSkipped").properties().forEach(e -> md.append("| ").append(e.getKey()).append(" | ")
                    .append(e.getValue().asLong()).append(" |\n"));
            md.append("\n### Review of the written records\n\nDefects found by `DataReview` (a correct build has none):\n\n"
                    + "| defect | records |\n|---|---|\n");
            DataReview.countsOf(build).forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append('\n');
        }
        if (stats != null) {
            md.append("## Statistics\n\n");
            md.append("| split | records |\n|---|---|\n");
            stats.bySplit().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append("\n| kind | records |\n|---|---|\n");
            stats.byKind().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append(String.format(Locale.ROOT, "%nDuplicate instructions (same text and media): %.2f%%. "
                    + "Captions in more than one split: %d. Text-only records (no call, no media): %d (%.1f%%). "
                    + "See `stats.txt` and `report.html`.%n%n", stats.duplicateRate() * 100, stats.captionsInSeveralSplits(),
                    stats.textOnly(), stats.records() == 0 ? 0 : 100.0 * stats.textOnly() / stats.records()));
            md.append("### Overlap between splits\n\n| splits | media items | template families | user texts |\n|---|---|---|---|\n");
            stats.overlaps().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.media()).append(" | ")
                    .append(v.templates()).append(" | ").append(v.userTexts()).append(" |\n"));
            boolean none = stats.overlaps().values().stream().allMatch(DatasetStats.Overlap::none);
            md.append(none ? "\nNo image or clip, template family or user text is shared between any two splits.\n\n"
                    : "\n**The splits share the items counted above**: scores on val or test partly measure memorisation.\n\n");
            md.append("### Records by template set\n\n| set | records |\n|---|---|\n");
            stats.byTemplateSet().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append("\nRecords by template family (`set@line`) are in `stats.json` (`byTemplateFamily`).\n\n");
        }
        TemplateBank bank = TemplateBank.load();
        long requests = TemplateBank.USER_SETS.values().stream().flatMap(List::stream)
                .filter(n -> !n.startsWith("alignment/") && !n.contains("no-call")).mapToLong(n -> bank.set(n).size()).sum();
        long alignment = TemplateBank.USER_SETS.get(RecordKind.ALIGNMENT).stream().mapToLong(n -> bank.set(n).size()).sum();
        md.append("## Template bank\n\n| templates (alternatives expanded) | count |\n|---|---|\n");
        md.append("| request templates (sets that make calls) | ").append(requests).append(" |\n");
        md.append("| chit-chat turns | ").append(bank.set("reasoning/no-call-chat").size()).append(" |\n");
        md.append("| questions about media, tools and techniques that need no call | ")
                .append(bank.set("reasoning/no-call-questions").size()).append(" |\n");
        md.append("| alignment questions | ").append(alignment).append(" |\n");
        md.append("| speech lines | ").append(bank.set("generation/speech-lines").size()).append(" |\n\n");
        md.append("## Known issues\n\n");
        md.append("- Captions are kept as published, typos included; clauses are turned into noun phrases by rules "
                + "(`CaptionForms`), which misread some nouns and verbs (\"street signs\", \"waves crash\"); captions it "
                + "cannot rewrite are used only where a whole sentence fits.\n");
        md.append("- Yes/no answers about media compare words: a synonym in the caption (\"puppy\" for dog) reads as no.\n");
        md.append("- AudioCaps ids name captions, not clips: clips stay in one split only because the corpus's own splits "
                + "are kept (its train captions never go to test).\n");
        md.append("- The voice-over of a video has no reference to it (speech tools take no video argument); the voice-over "
                + "of a picture refers to it with `about`, an argument only the data set's speech tool declares.\n");
        md.append("- The test split is larger than its share when a corpus's own test split is (MSR-VTT, AudioCaps).\n");
        md.append("- ModaVerse has one call per example and no speech or edit modality: those records are not in its "
                + "export (counted above).\n\n");
        md.append("## Sources and licences\n\n");
        md.append("| source | caption uses | terms |\n|---|---|---|\n");
        boolean researchOnly = false;
        StringBuilder restricted = new StringBuilder();
        for (Map.Entry<String, Long> e : sources.entrySet()) {
            SourceTerms terms = termsOf(e.getKey());
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" | ").append(terms.licence()).append(" |\n");
            if (terms.researchOnly()) {
                researchOnly = true;
                restricted.append(restricted.isEmpty() ? "" : ", ").append(e.getKey());
            }
        }
        md.append('\n');
        if (researchOnly) {
            md.append("**Research and non-commercial use only.** This data contains records built from captions of ")
                    .append(restricted).append(", whose terms allow research, non-commercial use only; the data set "
                            + "as a whole inherits these terms. Build from the other sources alone for wider use.\n\n");
        }
        md.append("The templates and code that generated the records are part of Modaweave. The captions keep the "
                + "terms of their sources above; cite the original data sets when you publish results.\n");
        return md.toString();
    }
}
