package dev.modaweave.app.planner;

import dev.modaweave.agent.MetaResponse;
import dev.modaweave.datasets.DatasetRecord;
import dev.modaweave.datasets.TemplateBank;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Turns data set records into training examples: the words the network reads (marker words for
 * the media at hand, then the request's tokens), the tasks called and a BIO tag per word marking
 * the span of the request that became each call's prompt. Spans are found by aligning the call's
 * prompt (or speech text) to the request: the longest run of matching words. An edit's prompt is
 * a rewrite of the instruction, so its span is the instruction the request quotes from the
 * template bank. A narration's words are those of the picture's prompt, so it gets no span; the
 * planner narrates the picture's prompt instead.
 */
final class TrainingExamples {

    /** One example. */
    record Example(String request, List<String> words, int[] tags, float[] calls, DatasetRecord record) {
    }

    private final PlannerSettings settings;
    private final List<String> editInstructions;

    TrainingExamples(PlannerSettings settings, TemplateBank bank) {
        this.settings = settings;
        this.editInstructions = bank.set("reasoning/edits").stream().map(t -> t.text().toLowerCase(Locale.ROOT))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /**
     * The example of {@code record}. With {@code random} set, records without media get marker words
     * now and then, as a conversation that already holds media would.
     */
    Example of(DatasetRecord record, SplittableRandom random) {
        String request = request(record);
        List<Tokens.Token> tokens = Tokens.tokenize(request);
        List<String> markers = new ArrayList<>();
        java.util.Set<Modality> made = madeEarlier(record);
        for (Modality m : new Modality[] {Modality.IMAGE, Modality.VIDEO, Modality.AUDIO}) {
            boolean has = record.media().stream().anyMatch(x -> x.modality() == m) || made.contains(m);
            if (has || (record.media().isEmpty() && made.isEmpty() && random != null && random.nextDouble() < 0.15)) {
                markers.add(PlannerInput.marker(m));
            }
        }
        List<String> words = new ArrayList<>(markers);
        tokens.forEach(t -> words.add(t.lower()));
        int[] tags = new int[words.size()];
        float[] calls = new float[settings.tasks().size()];
        boolean[] taken = new boolean[tokens.size()];
        List<MetaResponse> ordered = new ArrayList<>(record.calls());
        ordered.sort(Comparator.comparingInt(c -> Tasks.TEXT_TO_SPEECH.equals(c.task()) ? 1 : 0));
        for (MetaResponse call : ordered) {
            int task = settings.tasks().indexOf(call.task());
            if (task < 0) {
                continue;
            }
            calls[task] = 1f;
            String target;
            if (Tasks.IMAGE_EDIT.equals(call.task())) {
                target = editInstruction(request);
                if (target == null) {
                    continue;
                }
            } else {
                target = call.args().path("prompt").asText("");
                if (target.isEmpty()) {
                    target = call.args().path("text").asText("");
                }
            }
            int[] span = align(tokens, target);
            if (span == null) {
                continue;
            }
            boolean free = true;
            for (int i = span[0]; i <= span[1]; i++) {
                free &= !taken[i];
            }
            if (!free) {
                continue;
            }
            for (int i = span[0]; i <= span[1]; i++) {
                taken[i] = true;
                tags[markers.size() + i] = i == span[0] ? PlannerSettings.beginTag(task) : PlannerSettings.insideTag(task);
            }
        }
        if (random != null) {
            return augment(request, words, tags, calls, record, random);
        }
        return new Example(request, words, tags, calls, record);
    }

    /** The request a record's answer answers: its last user message (a record may hold earlier turns). */
    static String request(DatasetRecord record) {
        List<DatasetRecord.Message> messages = record.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals(DatasetRecord.Message.USER)) {
                return messages.get(i).content();
            }
        }
        return record.userText();
    }

    /** The kinds of media the earlier assistant turns of a record made (they are at hand in its last turn). */
    static java.util.Set<Modality> madeEarlier(DatasetRecord record) {
        java.util.Set<Modality> made = java.util.EnumSet.noneOf(Modality.class);
        List<DatasetRecord.Message> messages = record.messages();
        for (int i = 0; i < messages.size() - 1; i++) {
            if (!messages.get(i).role().equals(DatasetRecord.Message.ASSISTANT)) {
                continue;
            }
            for (dev.modaweave.agent.ParseEvent e : dev.modaweave.agent.MetaResponseParser.parseAll(messages.get(i).content())) {
                if (e instanceof dev.modaweave.agent.ParseEvent.Meta m && m.call().task() != null) {
                    made.add(switch (m.call().task()) {
                        case Tasks.TEXT_TO_VIDEO -> Modality.VIDEO;
                        case Tasks.TEXT_TO_AUDIO, Tasks.TEXT_TO_SPEECH -> Modality.AUDIO;
                        default -> Modality.IMAGE;
                    });
                }
            }
        }
        return made;
    }

    /**
     * Words of the same role the templates use few of, so that requests worded unlike the templates
     * are read too: a word of a group outside the spans is swapped, now and then, for another of
     * its group (the network sees the swapped words; the tags follow).
     */
    static final List<List<String>> SYNONYMS = List.of(
            List.of("draw", "paint", "sketch", "illustrate", "render", "depict"),
            List.of("picture", "image", "photo", "illustration", "drawing", "painting", "artwork", "poster", "snapshot"),
            List.of("video", "clip", "footage", "movie", "film", "animation", "short film"),
            List.of("sound", "audio", "noise", "sound effect", "recording", "soundscape", "ambience"),
            List.of("read", "say", "speak", "pronounce", "announce", "recite", "voice"),
            List.of("aloud", "out loud"),
            List.of("narrate", "describe", "voice over", "commentate"),
            List.of("make", "create", "generate", "produce", "give me", "show me", "build"),
            List.of("hi", "hello", "hey", "good day", "greetings"),
            List.of("thanks", "thank you", "cheers", "much appreciated"));

    private static Example augment(String request, List<String> words, int[] tags, float[] calls, DatasetRecord record,
                                   SplittableRandom random) {
        List<String> outWords = new ArrayList<>();
        List<Integer> outTags = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < words.size(); i++) {
            List<String> group = tags[i] == 0 && random.nextDouble() < 0.35 ? groupOf(words.get(i)) : null;
            if (group != null) {
                String pick = group.get(random.nextInt(group.size()));
                for (String w : pick.split(" ")) {
                    outWords.add(w);
                    outTags.add(0);
                }
                changed |= !pick.equals(words.get(i));
            } else {
                outWords.add(words.get(i));
                outTags.add(tags[i]);
            }
        }
        if (!changed) {
            return new Example(request, words, tags, calls, record);
        }
        return new Example(String.join(" ", outWords), outWords, outTags.stream().mapToInt(Integer::intValue).toArray(), calls, record);
    }

    private static List<String> groupOf(String word) {
        for (List<String> g : SYNONYMS) {
            if (g.contains(word)) {
                return g;
            }
        }
        return null;
    }

    /** The edit instruction of the template bank that {@code request} contains (the longest), or null. */
    String editInstruction(String request) {
        String lower = request.toLowerCase(Locale.ROOT);
        for (String e : editInstructions) {
            if (lower.contains(e)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The token range {@code [first, last]} of {@code target}'s words in {@code tokens}, or null when
     * it covers less than half of the target's words. The longest run of words (two words match
     * when equal, or when both have four letters or more and share their first three: "riding" and
     * "rides") is extended in order on both sides, skipping up to two target words ("is", "are")
     * and one request word, since requests rewrite a caption's clause into a noun phrase ("a man
     * riding" for "a man is riding"); then through a few words to the target's remaining words
     * ("… kites with 3D, soft shadows"; "… in this style: soft pastel colours").
     */
    static int[] align(List<Tokens.Token> tokens, String target) {
        List<Integer> wordAt = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isWord()) {
                wordAt.add(i);
            }
        }
        List<String> want = Tokens.tokenize(target).stream().filter(Tokens.Token::isWord).map(Tokens.Token::lower).toList();
        if (want.isEmpty() || wordAt.isEmpty()) {
            return null;
        }
        int n = wordAt.size();
        int m = want.size();
        List<String> have = new ArrayList<>(n);
        for (int i : wordAt) {
            have.add(tokens.get(i).lower());
        }
        int[] prev = new int[m + 1];
        int best = 0;
        int bestEnd = -1;
        int bestTargetEnd = -1;
        for (int i = 1; i <= n; i++) {
            int[] cur = new int[m + 1];
            for (int j = 1; j <= m; j++) {
                if (same(have.get(i - 1), want.get(j - 1))) {
                    cur[j] = prev[j - 1] + 1;
                    if (cur[j] > best) {
                        best = cur[j];
                        bestEnd = i - 1;
                        bestTargetEnd = j - 1;
                    }
                }
            }
            prev = cur;
        }
        if (best == 0) {
            return null;
        }
        int start = bestEnd - best + 1;
        int end = bestEnd;
        int targetStart = bestTargetEnd - best + 1;
        int targetEnd = bestTargetEnd;
        int matched = best;
        // Right, in order.
        while (true) {
            int[] next = step(have, want, end + 1, targetEnd + 1, 1);
            if (next == null) {
                break;
            }
            end = next[0];
            targetEnd = next[1];
            matched++;
        }
        // Left, in order.
        while (true) {
            int[] next = step(have, want, start - 1, targetStart - 1, -1);
            if (next == null) {
                break;
            }
            start = next[0];
            targetStart = next[1];
            matched++;
        }
        if (matched * 2 < m) {
            return null;
        }
        int rest = targetEnd + 1;
        if (m - rest >= 2) {
            for (int p = end + 2; p <= Math.min(n - 2, end + 5); p++) {
                int k = 0;
                while (p + k < n && rest + k < m && same(have.get(p + k), want.get(rest + k))) {
                    k++;
                }
                if (k >= 2) {
                    end = p + k - 1;
                    break;
                }
            }
        }
        return new int[] {wordAt.get(start), wordAt.get(end)};
    }

    /** The next matching pair from request word {@code i} and target word {@code j} in direction {@code d}, or null. */
    private static int[] step(List<String> have, List<String> want, int i, int j, int d) {
        for (int skipHave = 0; skipHave <= 1; skipHave++) {
            int hi = i + d * skipHave;
            if (hi < 0 || hi >= have.size()) {
                break;
            }
            for (int skipWant = 0; skipWant <= 2; skipWant++) {
                int wj = j + d * skipWant;
                if (wj < 0 || wj >= want.size()) {
                    break;
                }
                if (same(have.get(hi), want.get(wj))) {
                    return new int[] {hi, wj};
                }
            }
        }
        return null;
    }

    private static boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        return a.length() >= 4 && b.length() >= 4 && a.regionMatches(0, b, 0, 3);
    }

    static String describe(Example e) {
        return e.request() + " " + Arrays.toString(e.tags()) + " " + Arrays.toString(e.calls());
    }
}
