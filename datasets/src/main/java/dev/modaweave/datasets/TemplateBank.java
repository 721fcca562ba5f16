package dev.modaweave.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The instruction templates shipped as resources of the prompts module under
 * {@value #ROOT}: user requests and assistant replies for each kind of record, edit instructions,
 * style tags, the pool of lines people ask to have read aloud, and the user/assistant pairs of
 * turns that need no call.
 *
 * <p>A file holds one template per line; lines starting with {@code #} are comments. Pair files
 * separate the user's text from the assistant's with {@code " || "}. A line may start with tags
 * ({@code @image,audio }) that say which records it fits (the modality of its caption, the
 * combination of calls). Alternatives in square brackets ({@code [Could|Can] you draw …},
 * {@code [|please ]}) expand into one template each; the templates of one line form a
 * <em>family</em>, and splits hold out whole families so that the test split's wording is not a
 * near-copy of the training split's. Placeholders are in braces ({@code {caption}},
 * {@code {Caption}}, {@code {edit}}, {@code {line}}, {@code {call}}…), see the module README.
 */
public final class TemplateBank {

    /** Resource folder of the templates. */
    public static final String ROOT = "dev/modaweave/prompts/templates/";

    /** User-request sets, by the kind of record they make. */
    public static final Map<RecordKind, List<String>> USER_SETS = Map.of(
            RecordKind.ALIGNMENT, List.of("alignment/image-questions", "alignment/video-questions", "alignment/audio-questions",
                    "alignment/yes-no-questions"),
            RecordKind.GENERATION, List.of("generation/text-to-image", "generation/text-to-video", "generation/text-to-audio",
                    "generation/text-to-speech", "generation/music", "generation/styled-image", "generation/media-questions"),
            RecordKind.REASONING, List.of("reasoning/image-then-edit", "reasoning/image-then-narration",
                    "reasoning/video-then-narration", "reasoning/image-and-sound", "reasoning/upload-edit",
                    "reasoning/three-calls", "reasoning/two-sentences", "reasoning/follow-ups", "reasoning/combined",
                    "reasoning/no-call-chat", "reasoning/no-call-text", "reasoning/no-call-questions"));

    private static final List<String> OTHER_SETS = List.of(
            "alignment/image-answers", "alignment/video-answers", "alignment/audio-answers",
            "alignment/yes-answers", "alignment/no-answers",
            "generation/replies-text-to-image", "generation/replies-text-to-video", "generation/replies-text-to-audio",
            "generation/replies-text-to-speech", "generation/speech-lines", "generation/style-tags",
            "generation/music-pieces",
            "reasoning/replies-image-then-edit", "reasoning/replies-image-then-narration",
            "reasoning/replies-video-then-narration", "reasoning/replies-image-and-sound", "reasoning/replies-upload-edit",
            "reasoning/replies-three-calls", "reasoning/replies-two-sentences", "reasoning/replies-follow-ups",
            "reasoning/combined-items", "reasoning/combined-next", "reasoning/replies-combined",
            "reasoning/edits");

    /** Sets whose lines are {@code user || assistant} pairs. */
    private static final Set<String> PAIR_SETS = Set.of("reasoning/no-call-chat", "reasoning/no-call-text",
            "reasoning/no-call-questions", "reasoning/edits", "generation/style-tags");

    private static final String PAIR_SEPARATOR = " || ";
    private static final Pattern ALTERNATIVES = Pattern.compile("\\[([^\\[\\]]*\\|[^\\[\\]]*)]");

    /**
     * One template.
     *
     * @param set    the set it belongs to, e.g. {@code generation/text-to-image}
     * @param index  its position in the set, from 0
     * @param text   the template (the user's side of a pair)
     * @param reply  the assistant's side of a pair; null for single templates
     * @param family the line of the set it was expanded from, from 0; splits hold out whole families
     * @param tags   the tags of its line ({@code image}, {@code audio}…); empty when it fits every record
     */
    public record Template(String set, int index, String text, String reply, int family, Set<String> tags) {
        public Template {
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(text, "text");
            tags = tags == null ? Set.of() : Set.copyOf(tags);
        }

        /** A template of its own family without tags. */
        public Template(String set, int index, String text, String reply) {
            this(set, index, text, reply, index, Set.of());
        }

        /** {@code set#index}, as records cite it. */
        public String ref() {
            return set + "#" + index;
        }

        /** {@code set@family}: the family, as split assignment and statistics use it. */
        public String familyRef() {
            return set + "@" + family;
        }

        /** Whether it fits a record with tag {@code tag} (untagged templates fit every record). */
        public boolean fits(String tag) {
            return tags.isEmpty() || tags.contains(tag);
        }
    }

    private final Map<String, List<Template>> sets;

    private TemplateBank(Map<String, List<Template>> sets) {
        this.sets = sets;
    }

    /**
     * Loads every set from the class path.
     *
     * @throws IllegalStateException naming a missing or empty set (the prompts module is not on the class path)
     */
    public static TemplateBank load() {
        Map<String, List<Template>> sets = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        USER_SETS.values().forEach(names::addAll);
        names.addAll(OTHER_SETS);
        ClassLoader loader = TemplateBank.class.getClassLoader();
        for (String name : names) {
            String resource = ROOT + name + ".txt";
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("template set " + resource
                            + " is not on the class path; it ships with modaweave-prompts");
                }
                sets.put(name, parse(name, in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        return new TemplateBank(Map.copyOf(sets));
    }

    private static List<Template> parse(String name, InputStream in) throws IOException {
        List<Template> list = new ArrayList<>();
        boolean pairs = PAIR_SETS.contains(name);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int family = 0;
        Set<String> seen = new HashSet<>();
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Set<String> tags = Set.of();
            String body = line.strip();
            if (body.startsWith("@")) {
                int space = body.indexOf(' ');
                if (space < 0) {
                    throw new IllegalStateException("template set " + name + " line '" + line + "' has tags but no text");
                }
                tags = new LinkedHashSet<>(Arrays.asList(body.substring(1, space).split(",")));
                body = body.substring(space + 1).strip();
            }
            String user = body;
            String reply = null;
            if (pairs) {
                int sep = body.indexOf(PAIR_SEPARATOR);
                if (sep < 0) {
                    throw new IllegalStateException("template set " + name + " line '" + line
                            + "' has no ' || ' between the user's and the assistant's text");
                }
                user = body.substring(0, sep).strip();
                reply = body.substring(sep + PAIR_SEPARATOR.length()).strip();
            }
            boolean added = false;
            for (String text : expand(user)) {
                if (seen.add(text.toLowerCase(java.util.Locale.ROOT))) {
                    list.add(new Template(name, list.size(), text, reply, family, tags));
                    added = true;
                }
            }
            if (added) {
                family++;
            }
        }
        if (list.isEmpty()) {
            throw new IllegalStateException("template set " + name + " is empty");
        }
        return List.copyOf(list);
    }

    /** Every text {@code [a|b]} alternatives spell, whitespace collapsed. */
    static List<String> expand(String text) {
        Matcher m = ALTERNATIVES.matcher(text);
        if (!m.find()) {
            return List.of(text.replaceAll(" {2,}", " ").strip());
        }
        List<String> out = new ArrayList<>();
        for (String option : m.group(1).split("\\|", -1)) {
            out.addAll(expand(text.substring(0, m.start()) + option + text.substring(m.end())));
        }
        return out;
    }

    /** The templates of {@code set}. @throws IllegalArgumentException for an unknown set */
    public List<Template> set(String set) {
        List<Template> list = sets.get(set);
        if (list == null) {
            throw new IllegalArgumentException("no template set '" + set + "'; known: " + sets.keySet());
        }
        return list;
    }

    /** How many user-request templates each kind of record has (after expanding alternatives). */
    public Map<RecordKind, Integer> userTemplateCounts() {
        Map<RecordKind, Integer> counts = new EnumMap<>(RecordKind.class);
        USER_SETS.forEach((kind, names) -> counts.put(kind, names.stream().mapToInt(n -> set(n).size()).sum()));
        return counts;
    }

    /** How many lines (families) each user-request set has. */
    public Map<String, Integer> familyCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        USER_SETS.values().forEach(names -> names.forEach(n -> counts.put(n,
                set(n).stream().mapToInt(Template::family).max().orElse(-1) + 1)));
        return counts;
    }
}
