package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;

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
        md.append("- Splits are by caption: no caption is used in two splits.\n\n");
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
            if (build.has("paraphrase")) {
                md.append("| paraphrase requests | ").append(build.path("paraphrase").path("requests").asLong()).append(" |\n");
            }
            md.append('\n');
        }
        if (stats != null) {
            md.append("## Statistics\n\n");
            md.append("| split | records |\n|---|---|\n");
            stats.bySplit().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append("\n| kind | records |\n|---|---|\n");
            stats.byKind().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append(String.format(Locale.ROOT, "%nDuplicate instructions (same text and media): %.2f%%. "
                    + "Captions in more than one split: %d. "
                    + "See `stats.txt` and `report.html`.%n%n", stats.duplicateRate() * 100, stats.captionsInSeveralSplits()));
        }
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
