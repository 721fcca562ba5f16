package dev.modaweave.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The instruction templates shipped as resources of the prompts module under
 * {@value #ROOT}: user requests and assistant replies for each kind of record, edit instructions,
 * narrations, and the user/assistant pairs of turns that need no call.
 *
 * <p>A file holds one template per line; lines starting with {@code #} are comments. Pair files
 * separate the user's text from the assistant's with {@code " || "}. Placeholders are in braces
 * ({@code {caption}}, {@code {Caption}}, {@code {edit}}, {@code {call}}…), see the module README.
 */
public final class TemplateBank {

    /** Resource folder of the templates. */
    public static final String ROOT = "dev/modaweave/prompts/templates/";

    /** User-request sets, by the kind of record they make. */
    public static final Map<RecordKind, List<String>> USER_SETS = Map.of(
            RecordKind.ALIGNMENT, List.of("alignment/image-questions", "alignment/video-questions", "alignment/audio-questions"),
            RecordKind.GENERATION, List.of("generation/text-to-image", "generation/text-to-video", "generation/text-to-audio",
                    "generation/text-to-speech"),
            RecordKind.REASONING, List.of("reasoning/image-then-edit", "reasoning/image-then-narration",
                    "reasoning/video-then-narration", "reasoning/image-and-sound", "reasoning/upload-edit",
                    "reasoning/no-call-chat", "reasoning/no-call-text"));

    private static final List<String> OTHER_SETS = List.of(
            "alignment/image-answers", "alignment/video-answers", "alignment/audio-answers",
            "generation/replies-text-to-image", "generation/replies-text-to-video", "generation/replies-text-to-audio",
            "generation/replies-text-to-speech",
            "reasoning/replies-image-then-edit", "reasoning/replies-image-then-narration",
            "reasoning/replies-video-then-narration", "reasoning/replies-image-and-sound", "reasoning/replies-upload-edit",
            "reasoning/edits", "reasoning/narrations-image", "reasoning/narrations-video");

    private static final String PAIR_SEPARATOR = " || ";

    /**
     * One template.
     *
     * @param set   the set it belongs to, e.g. {@code generation/text-to-image}
     * @param index its position in the set, from 0
     * @param text  the template (the user's side of a pair)
     * @param reply the assistant's side of a pair; null for single templates
     */
    public record Template(String set, int index, String text, String reply) {
        public Template {
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(text, "text");
        }

        /** {@code set#index}, as records cite it. */
        public String ref() {
            return set + "#" + index;
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
        boolean pairs = name.contains("no-call") || name.endsWith("edits");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (pairs) {
                int sep = line.indexOf(PAIR_SEPARATOR);
                if (sep < 0) {
                    throw new IllegalStateException("template set " + name + " line '" + line
                            + "' has no ' || ' between the user's and the assistant's text");
                }
                list.add(new Template(name, list.size(), line.substring(0, sep).strip(),
                        line.substring(sep + PAIR_SEPARATOR.length()).strip()));
            } else {
                list.add(new Template(name, list.size(), line.strip(), null));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalStateException("template set " + name + " is empty");
        }
        return List.copyOf(list);
    }

    /** The templates of {@code set}. @throws IllegalArgumentException for an unknown set */
    public List<Template> set(String set) {
        List<Template> list = sets.get(set);
        if (list == null) {
            throw new IllegalArgumentException("no template set '" + set + "'; known: " + sets.keySet());
        }
        return list;
    }

    /** How many user-request templates each kind of record has. */
    public Map<RecordKind, Integer> userTemplateCounts() {
        Map<RecordKind, Integer> counts = new EnumMap<>(RecordKind.class);
        USER_SETS.forEach((kind, names) -> counts.put(kind, names.stream().mapToInt(n -> set(n).size()).sum()));
        return counts;
    }
}
