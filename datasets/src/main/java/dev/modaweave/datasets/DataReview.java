package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reviews built records for the defects a reader of instruction data finds by hand, independently
 * of how the generator made them: answers that are wrong where there is one right answer (yes/no
 * questions about media, "is this a complete sentence?", "is … a good photo caption?", lowercase,
 * word counts), calls whose caption has another modality than the call makes, captions slotted
 * where they break the grammar ("a picture of the sandwich is ready"), "as well" with nothing said
 * before, references that resolve to nothing the conversation shows, voice-overs of a picture that
 * do not refer to it, and speech that reads a scene caption instead of a line. A build counts the
 * defects by kind in {@code build.json}; a correct build has none.
 */
public final class DataReview {

    /** Defect kinds, as counted. */
    public static final List<String> KINDS = List.of("wrong answer", "modality mismatch", "broken slot",
            "dangling as well", "missing ref", "narration without ref", "speech reads a caption");

    private static final Pattern BROKEN_SLOT = Pattern.compile(
            "\\b(?:of|showing) (?:a|an|the) (?:(?!(?:as|while|where|when|which|that|who|whose)\\b)\\w+ ){0,3}\\w+(?<!\\bthat)(?<!\\bwhich)(?<!\\bwho) (?:is|are) "
                    + "(?:\\w+ing|ready|shown|seen)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern YES_NO_OBJECT = Pattern.compile(
            "(?:any|an?) (\\w+)(?: in | audible| here| \\?|\\?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern WORD_COUNT = Pattern.compile("(\\d+) words");

    private final Function<String, Caption> captions;
    private final Map<String, Long> counts = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();

    /** @param captions the caption of an id (null when unknown: checks that need it are skipped) */
    public DataReview(Function<String, Caption> captions) {
        this.captions = captions;
        KINDS.forEach(k -> counts.put(k, 0L));
    }

    /** Reviews {@code r}; returns its defects ("kind: detail"), also counted. */
    public List<String> review(DatasetRecord r) {
        List<String> defects = new ArrayList<>();
        Caption first = r.captions().isEmpty() ? null : captions.apply(r.captions().get(0).id());
        answers(r, first, defects);
        modalities(r, defects);
        for (DatasetRecord.Message m : r.messages()) {
            boolean quotesCaption = r.variant().equals("no-call-text");
            if (m.role().equals(DatasetRecord.Message.USER) && !quotesCaption && BROKEN_SLOT.matcher(m.content()).find()) {
                defects.add("broken slot: " + m.content());
            }
        }
        if (r.messages().size() == 2 && r.userText().toLowerCase(Locale.ROOT).matches(".*\\b(as well|too)[.?!]?$")
                && r.calls().size() == 1) {
            defects.add("dangling as well: " + r.userText());
        }
        references(r, defects);
        for (MetaResponse call : r.calls()) {
            if (Tasks.TEXT_TO_SPEECH.equals(call.task())) {
                String text = call.args().path("text").asText();
                for (DatasetRecord.CaptionRef c : r.captions()) {
                    Caption caption = captions.apply(c.id());
                    if (caption != null && CaptionText.normalised(text).contains(CaptionText.normalised(caption.text()))) {
                        defects.add("speech reads a caption: " + text);
                    }
                }
            }
        }
        if (r.variant().equals("image-then-narration") && r.calls().stream()
                .filter(c -> Tasks.TEXT_TO_SPEECH.equals(c.task())).noneMatch(c -> c.references().contains("img1"))) {
            defects.add("narration without ref: " + r.id());
        }
        for (String d : defects) {
            counts.merge(d.substring(0, d.indexOf(':')), 1L, Long::sum);
            if (examples.size() < 20) {
                examples.add(r.id() + " " + d);
            }
        }
        return defects;
    }

    private void answers(DatasetRecord r, Caption caption, List<String> defects) {
        String user = r.userText().toLowerCase(Locale.ROOT);
        String answer = r.assistantText();
        String lowerAnswer = answer.toLowerCase(Locale.ROOT);
        if (r.variant().startsWith("yes-no-") && caption != null) {
            Matcher m = YES_NO_OBJECT.matcher(r.userText());
            String object = null;
            while (m.find()) {
                object = m.group(1).toLowerCase(Locale.ROOT);
            }
            if (object != null) {
                boolean present = java.util.Arrays.asList(CaptionText.normalised(caption.text()).split(" ")).contains(object);
                if (present != lowerAnswer.startsWith("yes")) {
                    defects.add("wrong answer: " + r.userText() + " -> " + answer);
                }
            }
        }
        if (!r.variant().equals("no-call-text") || caption == null) {
            return;
        }
        String text = CaptionText.clean(caption.text());
        if (user.contains("good photo caption") || user.contains("caption for a sound recording")
                || user.contains("caption for a still photo")) {
            boolean fits = user.contains("caption for a sound recording") ? caption.modality() == Modality.AUDIO
                    : caption.modality() == Modality.IMAGE;
            if (fits != lowerAnswer.startsWith("yes")) {
                defects.add("wrong answer: " + r.userText() + " -> " + answer);
            }
        }
        if (user.contains("lowercase") && (!answer.equals(text.toLowerCase(Locale.ROOT)) || answer.equals(text))) {
            defects.add("wrong answer: " + r.userText() + " -> " + answer);
        }
        if (user.contains("complete sentence") && !lowerAnswer.startsWith("yes") && !lowerAnswer.startsWith("no")) {
            defects.add("wrong answer: " + r.userText() + " -> " + answer);
        }
        Matcher words = WORD_COUNT.matcher(answer);
        if (user.contains("words") && words.find() && Integer.parseInt(words.group(1)) != CaptionText.words(text)) {
            defects.add("wrong answer: " + r.userText() + " -> " + answer);
        }
        if (user.contains("capital letters") && !answer.equals(text.toUpperCase(Locale.ROOT))) {
            defects.add("wrong answer: " + r.userText() + " -> " + answer);
        }
        boolean asksImagePrompt = user.contains("image prompt") || user.contains("image generator");
        if (asksImagePrompt && caption.modality() != Modality.IMAGE) {
            defects.add("modality mismatch: " + r.userText());
        }
    }

    private void modalities(DatasetRecord r, List<String> defects) {
        for (MetaResponse call : r.calls()) {
            Modality wanted = switch (call.task()) {
                case Tasks.TEXT_TO_IMAGE -> Modality.IMAGE;
                case Tasks.TEXT_TO_VIDEO -> Modality.VIDEO;
                case Tasks.TEXT_TO_AUDIO -> Modality.AUDIO;
                default -> null;
            };
            if (wanted == null || !call.args().has("prompt")) {
                continue;
            }
            String prompt = CaptionText.normalised(call.args().path("prompt").asText());
            for (DatasetRecord.CaptionRef c : r.captions()) {
                Caption caption = captions.apply(c.id());
                if (caption != null && prompt.contains(CaptionText.normalised(CaptionText.clean(caption.text())))
                        && c.modality() != wanted && !(wanted == Modality.VIDEO && r.variant().startsWith("follow-up"))) {
                    defects.add("modality mismatch: " + call.task() + " from a " + c.modality().wireName() + " caption");
                }
            }
        }
    }

    private static void references(DatasetRecord r, List<String> defects) {
        Set<String> known = new HashSet<>();
        for (DatasetRecord.Message m : r.messages()) {
            if (m.role().equals(DatasetRecord.Message.USER)) {
                continue;
            }
            for (ParseEvent e : MetaResponseParser.parseAll(m.content())) {
                if (e instanceof ParseEvent.Meta meta) {
                    for (String ref : meta.call().references()) {
                        if (!known.contains(ref) && !r.mediaArtifactIds().contains(ref)) {
                            defects.add("missing ref: " + ref + " in " + r.id());
                        }
                    }
                    known.add(meta.call().id());
                }
            }
        }
    }

    /** Defects by kind (every kind present, 0 when none). */
    public Map<String, Long> counts() {
        return counts;
    }

    /** The total of all defects. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Counts and the first examples as JSON. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        counts.forEach(o.putObject("defects")::put);
        examples.forEach(o.putArray("examples")::add);
        return o;
    }

    /** Reads the defect counts back from a {@code build.json}; empty when it has none. */
    public static Map<String, Long> countsOf(JsonNode build) {
        Map<String, Long> out = new TreeMap<>();
        build.path("review").path("defects").properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
