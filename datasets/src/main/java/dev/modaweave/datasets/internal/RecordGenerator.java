package dev.modaweave.datasets.internal;

import dev.modaweave.datasets.CaptionText;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.datasets.Caption;
import dev.modaweave.datasets.DatasetRecord;
import dev.modaweave.datasets.DatasetRecord.CaptionRef;
import dev.modaweave.datasets.DatasetRecord.MediaRef;
import dev.modaweave.datasets.DatasetRecord.Message;
import dev.modaweave.datasets.RecordKind;
import dev.modaweave.datasets.Split;
import dev.modaweave.datasets.TemplateBank;
import dev.modaweave.datasets.TemplateBank.Template;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders records from templates and captions. Captions are visited in a seeded shuffled order
 * and give each record its split; every other choice (variant, templates, second captions, speech
 * lines) comes from one seeded random stream, so the same captions, seed and size give the same
 * records. A record only uses captions of its split, and only templates (families), speech lines,
 * style tags and music pieces of its split: a share of every set is held out of train and split
 * between val and test ({@link #familySplit}).
 */
public final class RecordGenerator {

    /** Share of template families (and speech lines, style tags, music pieces) held out of train, half for val, half for test. */
    public static final double DEFAULT_HELD_OUT = 0.3;

    /** The variants and their weights among the records. */
    public static final Map<String, Double> DEFAULT_MIX = mix();

    private static final Set<String> SPLIT_SETS_OTHER = Set.of("generation/speech-lines", "generation/style-tags",
            "generation/music-pieces");
    private static final Pattern OBJECT_WORD = Pattern.compile("[a-z]{3,}");
    /** Things a yes/no question may ask about in a picture or video (countable, so "a …" reads well). */
    private static final Set<String> VISIBLE = Set.of("dog", "cat", "man", "woman", "child", "boy", "girl", "baby",
            "horse", "bird", "car", "bus", "train", "truck", "bicycle", "motorcycle", "boat", "airplane", "table",
            "chair", "pizza", "cake", "sandwich", "banana", "umbrella", "kite", "surfboard", "skateboard", "giraffe",
            "elephant", "zebra", "cow", "sheep", "bear", "clock", "laptop", "phone", "television", "bed", "couch",
            "toilet", "sink", "tree", "frisbee", "guitar", "piano", "ball", "door", "helicopter", "duck", "goat");
    /** Things a yes/no question may ask about in a recording. */
    private static final Set<String> AUDIBLE = Set.of("dog", "cat", "man", "woman", "child", "baby", "bird", "car",
            "bus", "train", "truck", "motorcycle", "helicopter", "siren", "bell", "horn", "engine", "drum", "door",
            "duck", "chicken", "goat", "sheep", "cow", "horse", "clock", "phone", "crowd", "gun", "whistle", "guitar",
            "piano", "airplane", "boat");

    private final TemplateBank bank;
    private final List<Caption> captions;
    private final CaptionForms forms;
    private final String[] nounPhrases;
    private final Split[] splitOf;
    private final long seed;
    private final double heldOut;
    private final Map<Split, Map<Modality, List<Integer>>> pools = new EnumMap<>(Split.class);
    private final Map<String, Map<Split, List<Template>>> templatePools = new HashMap<>();
    private final int[] order;
    private final SplittableRandom random;
    private final String[] variants;
    private final double[] cumulative;

    /** A generator holding out {@link #DEFAULT_HELD_OUT} of every set. */
    public RecordGenerator(TemplateBank bank, List<Caption> captions, Split[] splitOf, long seed) {
        this(bank, captions, splitOf, seed, DEFAULT_HELD_OUT);
    }

    /**
     * @param bank     the templates
     * @param captions the (deduplicated, filtered) captions
     * @param splitOf  the split of each caption, same order
     * @param seed     the seed of every choice
     * @param heldOut  share of each set's families used only in val and test (0 to share everything)
     */
    public RecordGenerator(TemplateBank bank, List<Caption> captions, Split[] splitOf, long seed, double heldOut) {
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("no captions to build records from");
        }
        if (heldOut < 0 || heldOut >= 1) {
            throw new IllegalArgumentException("held-out share " + heldOut + " is out of range; use 0 to below 1");
        }
        this.bank = bank;
        this.captions = captions;
        this.splitOf = splitOf;
        this.seed = seed;
        this.heldOut = heldOut;
        this.forms = new CaptionForms(captions.stream().map(Caption::text).toList());
        this.nounPhrases = new String[captions.size()];
        for (Split s : Split.values()) {
            Map<Modality, List<Integer>> byModality = new EnumMap<>(Modality.class);
            for (Modality m : Modality.values()) {
                byModality.put(m, new ArrayList<>());
            }
            pools.put(s, byModality);
        }
        for (int i = 0; i < captions.size(); i++) {
            nounPhrases[i] = forms.nounPhrase(captions.get(i).text());
            pools.get(splitOf[i]).get(captions.get(i).modality()).add(i);
        }
        for (List<String> sets : TemplateBank.USER_SETS.values()) {
            sets.forEach(this::splitSet);
        }
        SPLIT_SETS_OTHER.forEach(this::splitSet);
        this.random = new SplittableRandom(seed);
        this.order = new int[captions.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        variants = DEFAULT_MIX.keySet().toArray(String[]::new);
        cumulative = new double[variants.length];
        double total = DEFAULT_MIX.values().stream().mapToDouble(Double::doubleValue).sum();
        double run = 0;
        for (int i = 0; i < variants.length; i++) {
            run += DEFAULT_MIX.get(variants[i]) / total;
            cumulative[i] = run;
        }
    }

    private static Map<String, Double> mix() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("describe", 0.15);
        m.put("yes-no", 0.05);
        m.put(Tasks.TEXT_TO_IMAGE, 0.08);
        m.put(Tasks.TEXT_TO_VIDEO, 0.04);
        m.put(Tasks.TEXT_TO_AUDIO, 0.04);
        m.put(Tasks.TEXT_TO_SPEECH, 0.04);
        m.put("music", 0.025);
        m.put("styled-image", 0.035);
        m.put("media-question", 0.035);
        m.put("image-then-edit", 0.035);
        m.put("image-then-narration", 0.02);
        m.put("video-then-narration", 0.015);
        m.put("image-and-sound", 0.02);
        m.put("upload-edit", 0.02);
        m.put("three-calls", 0.015);
        m.put("two-sentences", 0.025);
        m.put("combined", 0.05);
        m.put("follow-up", 0.03);
        m.put("no-call-chat", 0.12);
        m.put("no-call-question", 0.10);
        m.put("no-call-text", 0.08);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The split a template family belongs to: train, or (for a held-out share, half each) only val
     * or only test. Each tag of a set keeps at least one family in every split when it has three or more.
     */
    private void splitSet(String set) {
        List<Template> templates = bank.set(set);
        Map<Integer, Split> family = new TreeMap<>();
        for (Template t : templates) {
            family.computeIfAbsent(t.family(), f -> familySplit(seed, t.familyRef(), heldOut));
        }
        if (heldOut > 0) {
            Map<String, List<Integer>> byTag = new TreeMap<>();
            for (Template t : templates) {
                for (String tag : t.tags().isEmpty() ? Set.of("") : t.tags()) {
                    List<Integer> f = byTag.computeIfAbsent(tag, k -> new ArrayList<>());
                    if (!f.contains(t.family())) {
                        f.add(t.family());
                    }
                }
            }
            for (List<Integer> group : byTag.values()) {
                if (group.size() < 3) {
                    continue;
                }
                for (Split needed : Split.values()) {
                    if (group.stream().noneMatch(f -> family.get(f) == needed)) {
                        group.stream().filter(f -> family.get(f) == Split.TRAIN
                                && group.stream().filter(g -> family.get(g) == Split.TRAIN).count() > 1)
                                .findFirst().ifPresent(f -> family.put(f, needed));
                    }
                }
            }
        }
        Map<Split, List<Template>> bySplit = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            bySplit.put(s, new ArrayList<>());
        }
        templates.forEach(t -> bySplit.get(family.get(t.family())).add(t));
        templatePools.put(set, bySplit);
    }

    /** The split of the family {@code familyRef} under {@code seed} with {@code heldOut} of the families held out. */
    public static Split familySplit(long seed, String familyRef, double heldOut) {
        double u = CaptionText.unit(seed, "family:" + familyRef);
        return u < heldOut / 2 ? Split.VAL : u < heldOut ? Split.TEST : Split.TRAIN;
    }

    /** The split each family of {@code set} was given, as {@code set@family → split}. */
    public Map<String, Split> familySplits(String set) {
        Map<String, Split> out = new TreeMap<>();
        templatePools.get(set).forEach((split, list) -> list.forEach(t -> out.put(t.familyRef(), split)));
        return out;
    }

    /** The record number {@code index} (0-based); call with increasing indexes. */
    public DatasetRecord next(long index) {
        int captionIndex = order[(int) (index % order.length)];
        Split split = splitOf[captionIndex];
        String id = String.format("rec-%07d", index + 1);
        for (int attempt = 0; attempt < 8; attempt++) {
            DatasetRecord r = render(drawVariant(), id, split, captionIndex);
            if (r != null) {
                return r;
            }
        }
        return fallback(id, split, captionIndex);
    }

    /** A variant drawn by its weight; a variant this split cannot render (no fitting template or caption) is drawn again. */
    private String drawVariant() {
        double u = random.nextDouble();
        for (int i = 0; i < variants.length; i++) {
            if (u < cumulative[i]) {
                return variants[i];
            }
        }
        return variants[variants.length - 1];
    }

    private DatasetRecord render(String variant, String id, Split split, int c) {
        return switch (variant) {
            case "describe" -> describe(id, split, c);
            case "yes-no" -> yesNo(id, split, c);
            case Tasks.TEXT_TO_IMAGE -> single(id, split, caption(split, c, Modality.IMAGE), Tasks.TEXT_TO_IMAGE);
            case Tasks.TEXT_TO_VIDEO -> single(id, split, caption(split, c, Modality.VIDEO), Tasks.TEXT_TO_VIDEO);
            case Tasks.TEXT_TO_AUDIO -> single(id, split, caption(split, c, Modality.AUDIO), Tasks.TEXT_TO_AUDIO);
            case Tasks.TEXT_TO_SPEECH -> speechRequest(id, split);
            case "music" -> music(id, split);
            case "styled-image" -> styledImage(id, split, caption(split, c, Modality.IMAGE));
            case "media-question" -> mediaQuestion(id, split, c);
            case "image-then-edit" -> imageThenEdit(id, split, caption(split, c, Modality.IMAGE));
            case "image-then-narration" -> narrated(id, split, caption(split, c, Modality.IMAGE), "image");
            case "video-then-narration" -> narrated(id, split, caption(split, c, Modality.VIDEO), "video");
            case "image-and-sound" -> imageAndSound(id, split, caption(split, c, Modality.IMAGE), caption(split, -1, Modality.AUDIO));
            case "upload-edit" -> uploadEdit(id, split, caption(split, c, Modality.IMAGE));
            case "three-calls" -> threeCalls(id, split, caption(split, c, Modality.IMAGE), caption(split, -1, Modality.AUDIO));
            case "two-sentences" -> twoSentences(id, split, c);
            case "combined" -> combined(id, split, c);
            case "follow-up" -> followUp(id, split, caption(split, c, Modality.IMAGE));
            case "no-call-chat" -> pair(id, split, "reasoning/no-call-chat", "no-call-chat");
            case "no-call-question" -> pair(id, split, "reasoning/no-call-questions", "no-call-question");
            default -> noCallText(id, split, c);
        };
    }

    private DatasetRecord fallback(String id, Split split, int c) {
        DatasetRecord r = describe(id, split, c);
        return r != null ? r : pair(id, split, "reasoning/no-call-chat", "no-call-chat");
    }

    /** The caption {@code preferred} when it has {@code modality}, else a random one of that modality in the split; -1 when none. */
    private int caption(Split split, int preferred, Modality modality) {
        if (preferred >= 0 && captions.get(preferred).modality() == modality) {
            return preferred;
        }
        List<Integer> pool = pools.get(split).get(modality);
        return pool.isEmpty() ? -1 : pool.get(random.nextInt(pool.size()));
    }

    private Template pick(String set, Split split, Predicate<Template> fits) {
        List<Template> pool = templatePools.containsKey(set) ? templatePools.get(set).get(split) : bank.set(set);
        List<Template> ok = new ArrayList<>();
        for (Template t : pool) {
            if (fits.test(t)) {
                ok.add(t);
            }
        }
        return ok.isEmpty() ? null : ok.get(random.nextInt(ok.size()));
    }

    /** Fits when every {@code {caption}} / {@code {caption2}} slot it has can take the caption's noun phrase. */
    private Predicate<Template> slots(int first, int second) {
        return t -> fitsSlot(t.text(), "{caption}", first) && fitsSlot(t.text(), "{caption2}", second)
                && (t.reply() == null || fitsSlot(t.reply(), "{caption}", first));
    }

    private boolean fitsSlot(String text, String slot, int caption) {
        return !text.contains(slot) || (caption >= 0 && nounPhrases[caption] != null);
    }

    private Map<String, String> values(int c, int second) {
        Map<String, String> v = new HashMap<>();
        if (c >= 0) {
            String text = CaptionForms.withoutMetaPrefix(captions.get(c).text());
            if (nounPhrases[c] != null) {
                v.put("caption", nounPhrases[c]);
            }
            v.put("Caption", CaptionText.sentence(text));
            v.put("Caption_nostop", CaptionText.capitalised(text));
            v.put("medium", switch (captions.get(c).modality()) {
                case IMAGE -> "picture";
                case VIDEO -> "video";
                default -> "recording";
            });
        }
        if (second >= 0) {
            if (nounPhrases[second] != null) {
                v.put("caption2", nounPhrases[second]);
            }
            v.put("Caption2", CaptionText.sentence(CaptionForms.withoutMetaPrefix(captions.get(second).text())));
        }
        return v;
    }

    private String promptOf(int c) {
        return CaptionText.capitalised(CaptionForms.withoutMetaPrefix(captions.get(c).text()));
    }

    private DatasetRecord describe(String id, Split split, int c) {
        Modality m = captions.get(c).modality();
        Template question = pick("alignment/" + m.wireName() + "-questions", split, slots(c, -1));
        Template answer = pick("alignment/" + m.wireName() + "-answers", split, slots(c, -1));
        if (question == null || answer == null) {
            return null;
        }
        Map<String, String> v = values(c, -1);
        MediaRef media = new MediaRef(CaptionText.artifactId(captions.get(c).id()), m, captions.get(c).id());
        return record(id, RecordKind.ALIGNMENT, "describe-" + m.wireName(), split, List.of(c), List.of(media),
                List.of(Renderer.fill(question.text(), v), Renderer.fill(answer.text(), v)), List.of(), question);
    }

    /** "Is there a dog in this picture?": the answer is computed from the caption's words. */
    private DatasetRecord yesNo(String id, Split split, int c) {
        Modality m = captions.get(c).modality();
        Set<String> words = new java.util.HashSet<>();
        Matcher w = OBJECT_WORD.matcher(captions.get(c).text().toLowerCase(Locale.ROOT));
        while (w.find()) {
            words.add(w.group());
        }
        Set<String> objects = m == Modality.AUDIO ? AUDIBLE : VISIBLE;
        List<String> present = objects.stream().filter(words::contains).sorted().toList();
        boolean yes = !present.isEmpty() && random.nextBoolean();
        String object;
        if (yes) {
            object = present.get(random.nextInt(present.size()));
        } else {
            List<String> absent = objects.stream().filter(o -> !words.contains(o) && !words.contains(o + "s")
                    && !words.contains(plural(o))).sorted().toList();
            object = absent.get(random.nextInt(absent.size()));
        }
        Template question = pick("alignment/yes-no-questions", split, t -> t.fits(m.wireName()));
        Template answer = pick(yes ? "alignment/yes-answers" : "alignment/no-answers", split,
                slots(c, -1).and(t -> t.fits(m.wireName())));
        if (question == null || answer == null) {
            return null;
        }
        Map<String, String> v = values(c, -1);
        v.put("object", object);
        v.put("a_object", (isVowel(object.charAt(0)) ? "an " : "a ") + object);
        MediaRef media = new MediaRef(CaptionText.artifactId(captions.get(c).id()), m, captions.get(c).id());
        return record(id, RecordKind.ALIGNMENT, "yes-no-" + m.wireName(), split, List.of(c), List.of(media),
                List.of(Renderer.fill(question.text(), v), Renderer.fill(answer.text(), v)), List.of(), question);
    }

    private static String plural(String noun) {
        return switch (noun) {
            case "man" -> "men";
            case "woman" -> "women";
            case "child" -> "children";
            case "sheep" -> "sheep";
            default -> noun.endsWith("s") || noun.endsWith("ch") ? noun + "es" : noun + "s";
        };
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }

    private DatasetRecord single(String id, Split split, int c, String task) {
        if (c < 0) {
            return null;
        }
        Template user = pick("generation/" + task, split, slots(c, -1));
        Template reply = pick("generation/replies-" + task, split, slots(c, -1));
        if (user == null || reply == null) {
            return null;
        }
        MetaResponse call = prompt(callId(task, 1), task, promptOf(c));
        Map<String, String> v = values(c, -1);
        return record(id, RecordKind.GENERATION, task, split, List.of(c), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, List.of(call))), List.of(call), user);
    }

    private DatasetRecord speechRequest(String id, Split split) {
        Template line = pick("generation/speech-lines", split, t -> true);
        Template user = pick("generation/text-to-speech", split, t -> true);
        Template reply = pick("generation/replies-text-to-speech", split, t -> !t.text().contains("{caption"));
        if (line == null || user == null || reply == null) {
            return null;
        }
        Map<String, String> v = new HashMap<>();
        v.put("line", line.text());
        MetaResponse call = speech("speech1", line.text(), null);
        return record(id, RecordKind.GENERATION, Tasks.TEXT_TO_SPEECH, split, List.of(), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, List.of(call))), List.of(call), user);
    }

    private DatasetRecord music(String id, Split split) {
        Template piece = pick("generation/music-pieces", split, t -> true);
        Template user = pick("generation/music", split, t -> true);
        Template reply = pick("generation/replies-text-to-audio", split, t -> !t.text().contains("{caption"));
        if (piece == null || user == null || reply == null) {
            return null;
        }
        Map<String, String> v = new HashMap<>();
        v.put("music", piece.text());
        MetaResponse call = prompt("aud1", Tasks.TEXT_TO_AUDIO, CaptionText.capitalised(piece.text()));
        return record(id, RecordKind.GENERATION, "music", split, List.of(), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, List.of(call))), List.of(call), user);
    }

    private DatasetRecord styledImage(String id, Split split, int c) {
        if (c < 0 || nounPhrases[c] == null) {
            return null;
        }
        Template style = pick("generation/style-tags", split, t -> true);
        Template user = pick("generation/styled-image", split, t -> true);
        Template reply = pick("generation/replies-text-to-image", split, t -> !t.text().contains("{caption"));
        if (style == null || user == null || reply == null) {
            return null;
        }
        Map<String, String> v = values(c, -1);
        v.put("style", style.text());
        v.put("tags", style.reply());
        String prompt = CaptionText.capitalised(style.text() + " of " + nounPhrases[c] + ", " + style.reply());
        MetaResponse call = prompt("img1", Tasks.TEXT_TO_IMAGE, prompt);
        return record(id, RecordKind.GENERATION, "styled-image", split, List.of(c), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, List.of(call))), List.of(call), user);
    }

    /** "What would … sound like? Make it." */
    private DatasetRecord mediaQuestion(String id, Split split, int c) {
        Modality m = captions.get(c).modality();
        String task = switch (m) {
            case IMAGE -> Tasks.TEXT_TO_IMAGE;
            case VIDEO -> Tasks.TEXT_TO_VIDEO;
            default -> Tasks.TEXT_TO_AUDIO;
        };
        Template user = pick("generation/media-questions", split, slots(c, -1).and(t -> t.fits(m.wireName())));
        Template reply = pick("generation/replies-" + task, split, slots(c, -1));
        if (user == null || reply == null) {
            return null;
        }
        MetaResponse call = prompt(callId(task, 1), task, promptOf(c));
        Map<String, String> v = values(c, -1);
        return record(id, RecordKind.GENERATION, "media-question", split, List.of(c), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, List.of(call))), List.of(call), user);
    }

    private DatasetRecord imageThenEdit(String id, Split split, int c) {
        if (c < 0) {
            return null;
        }
        Template user = pick("reasoning/image-then-edit", split, slots(c, -1));
        Template reply = pick("reasoning/replies-image-then-edit", split, slots(c, -1));
        Template edit = pick("reasoning/edits", split, t -> true);
        if (user == null || reply == null) {
            return null;
        }
        List<MetaResponse> calls = List.of(prompt("img1", Tasks.TEXT_TO_IMAGE, promptOf(c)), edit("img2", "img1", edit.reply()));
        Map<String, String> v = values(c, -1);
        v.put("edit", edit.text());
        return record(id, RecordKind.REASONING, "image-then-edit", split, List.of(c), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls)), calls, user);
    }

    /**
     * A picture or video and a voice-over of a line the user gives. The speech call of a picture
     * refers to it with {@code about} (an image argument); speech tools take no video argument, so a
     * video's voice-over has no reference.
     */
    private DatasetRecord narrated(String id, Split split, int c, String medium) {
        if (c < 0) {
            return null;
        }
        Template user = pick("reasoning/" + medium + "-then-narration", split, slots(c, -1));
        Template reply = pick("reasoning/replies-" + medium + "-then-narration", split, slots(c, -1));
        Template line = pick("generation/speech-lines", split, t -> true);
        if (user == null || reply == null || line == null) {
            return null;
        }
        boolean image = medium.equals("image");
        MetaResponse first = prompt(image ? "img1" : "vid1", image ? Tasks.TEXT_TO_IMAGE : Tasks.TEXT_TO_VIDEO, promptOf(c));
        List<MetaResponse> calls = List.of(first, speech("speech1", line.text(), image ? first.id() : null));
        Map<String, String> v = values(c, -1);
        v.put("line", line.text());
        return record(id, RecordKind.REASONING, medium + "-then-narration", split, List.of(c), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls)), calls, user);
    }

    private DatasetRecord imageAndSound(String id, Split split, int image, int sound) {
        if (image < 0 || sound < 0) {
            return null;
        }
        Template user = pick("reasoning/image-and-sound", split, slots(image, sound));
        Template reply = pick("reasoning/replies-image-and-sound", split, slots(image, sound));
        if (user == null || reply == null) {
            return null;
        }
        List<MetaResponse> calls = List.of(prompt("img1", Tasks.TEXT_TO_IMAGE, promptOf(image)),
                prompt("aud1", Tasks.TEXT_TO_AUDIO, promptOf(sound)));
        Map<String, String> v = values(image, sound);
        return record(id, RecordKind.REASONING, "image-and-sound", split, List.of(image, sound), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls)), calls, user);
    }

    private DatasetRecord uploadEdit(String id, Split split, int c) {
        if (c < 0) {
            return null;
        }
        Template user = pick("reasoning/upload-edit", split, slots(c, -1));
        Template reply = pick("reasoning/replies-upload-edit", split, slots(c, -1));
        Template edit = pick("reasoning/edits", split, t -> true);
        if (user == null || reply == null) {
            return null;
        }
        MediaRef upload = new MediaRef(CaptionText.artifactId(captions.get(c).id()), Modality.IMAGE, captions.get(c).id());
        List<MetaResponse> calls = List.of(edit("img1", upload.artifactId(), edit.reply()));
        Map<String, String> v = values(c, -1);
        v.put("edit", edit.text());
        return record(id, RecordKind.REASONING, "upload-edit", split, List.of(c), List.of(upload),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls)), calls, user);
    }

    private DatasetRecord threeCalls(String id, Split split, int image, int sound) {
        if (image < 0 || sound < 0) {
            return null;
        }
        Template user = pick("reasoning/three-calls", split, slots(image, sound));
        Template reply = pick("reasoning/replies-three-calls", split, slots(image, sound));
        Template line = pick("generation/speech-lines", split, t -> true);
        if (user == null || reply == null || line == null) {
            return null;
        }
        List<MetaResponse> calls = List.of(prompt("img1", Tasks.TEXT_TO_IMAGE, promptOf(image)),
                prompt("aud1", Tasks.TEXT_TO_AUDIO, promptOf(sound)), speech("speech1", line.text(), null));
        Map<String, String> v = values(image, sound);
        v.put("line", line.text());
        return record(id, RecordKind.REASONING, "three-calls", split, List.of(image, sound), List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls)), calls, user);
    }

    /**
     * Two calls in two sentences ("Draw … . Also, …"). Tags name the pair: {@code image-audio},
     * {@code video-audio}, {@code image-speech}, {@code image-video}.
     */
    private DatasetRecord twoSentences(String id, Split split, int c) {
        String[] pairs = {"image-audio", "video-audio", "image-speech", "image-video"};
        String pair = pairs[random.nextInt(pairs.length)];
        String[] parts = pair.split("-");
        int first = caption(split, c, Modality.fromWireName(parts[0]));
        int second = parts[1].equals("speech") ? -1 : caption(split, -1, Modality.fromWireName(parts[1]));
        if (first < 0 || (second < 0 && !parts[1].equals("speech"))) {
            return null;
        }
        Template user = pick("reasoning/two-sentences", split, slots(first, second).and(t -> t.fits(pair)));
        Template reply = pick("reasoning/replies-two-sentences", split, slots(first, second));
        Template line = pick("generation/speech-lines", split, t -> true);
        if (user == null || reply == null || line == null) {
            return null;
        }
        String task1 = parts[0].equals("image") ? Tasks.TEXT_TO_IMAGE : Tasks.TEXT_TO_VIDEO;
        MetaResponse call1 = prompt(callId(task1, 1), task1, promptOf(first));
        MetaResponse call2 = switch (parts[1]) {
            case "speech" -> speech("speech1", line.text(), null);
            case "video" -> prompt("vid1", Tasks.TEXT_TO_VIDEO, promptOf(second));
            default -> prompt("aud1", Tasks.TEXT_TO_AUDIO, promptOf(second));
        };
        List<MetaResponse> calls = List.of(call1, call2);
        Map<String, String> v = values(first, second);
        v.put("line", line.text());
        List<Integer> used = second < 0 ? List.of(first) : List.of(first, second);
        return record(id, RecordKind.REASONING, "two-sentences", split, used, List.of(),
                List.of(Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls)), calls, user);
    }

    private static final String[] COMBINED_TASKS = {"image", "video", "audio", "speech"};

    /**
     * Two or three independent calls of any tasks (the same task twice included) in one message: each
     * thing asked for is a phrase of {@code reasoning/combined-items} ("a photo of …", "the sound of …", "a
     * voice saying "…""), joined in a list ("A and B", "A, B, and C", "A plus B") inside a frame of
     * {@code reasoning/combined}, or asked for in sentences of their own ("Make A. Also, B."). Tags:
     * the tasks in order, e.g. {@code combined-image-audio-speech}.
     */
    private DatasetRecord combined(String id, Split split, int c) {
        int count = random.nextInt(10) < 7 ? 2 : 3;
        List<String> phrases = new ArrayList<>();
        List<MetaResponse> calls = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        Map<String, Integer> perTask = new HashMap<>();
        StringBuilder tasks = new StringBuilder();
        for (int k = 0; k < count; k++) {
            String kind = COMBINED_TASKS[random.nextInt(COMBINED_TASKS.length)];
            tasks.append('-').append(kind);
            Map<String, String> v;
            MetaResponse call;
            if (kind.equals("speech")) {
                Template line = pick("generation/speech-lines", split, t -> true);
                if (line == null) {
                    return null;
                }
                v = new HashMap<>();
                v.put("line", line.text());
                call = speech(callId(Tasks.TEXT_TO_SPEECH, perTask.merge(kind, 1, Integer::sum)), line.text(), null);
            } else {
                Modality modality = Modality.fromWireName(kind);
                int caption = caption(split, k == 0 ? c : -1, modality);
                if (caption < 0 || nounPhrases[caption] == null || used.contains(caption)) {
                    return null;
                }
                String task = switch (kind) {
                    case "image" -> Tasks.TEXT_TO_IMAGE;
                    case "video" -> Tasks.TEXT_TO_VIDEO;
                    default -> Tasks.TEXT_TO_AUDIO;
                };
                v = values(caption, -1);
                call = prompt(callId(task, perTask.merge(kind, 1, Integer::sum)), task, promptOf(caption));
                used.add(caption);
            }
            Template item = pick("reasoning/combined-items", split, t -> t.fits(kind));
            if (item == null) {
                return null;
            }
            phrases.add(Renderer.fill(item.text(), v));
            calls.add(call);
        }
        Template frame = pick("reasoning/combined", split, t -> true);
        Template reply = pick("reasoning/replies-combined", split, t -> t.fits(String.valueOf(count)));
        if (frame == null || reply == null) {
            return null;
        }
        String user;
        if (random.nextInt(10) < 3) {
            StringBuilder text = new StringBuilder(Renderer.fill(frame.text(), Map.of("items", phrases.get(0))));
            for (int k = 1; k < count; k++) {
                Template next = pick("reasoning/combined-next", split, t -> true);
                if (next == null) {
                    return null;
                }
                text.append(' ').append(Renderer.fill(next.text(), Map.of("item", phrases.get(k))));
            }
            user = text.toString();
        } else {
            user = Renderer.fill(frame.text(), Map.of("items", joined(phrases)));
        }
        // a quoted line brings its own stop: "… the west this afternoon." rather than "… afternoon.".
        user = user.replace(".\".", ".\"").replace("!\".", "!\"").replace("?\".", "?\"");
        return record(id, RecordKind.REASONING, "combined" + tasks, split, used, List.of(),
                List.of(user, Renderer.fillReply(reply.text(), Map.of(), calls)), calls, frame);
    }

    /** Phrases joined as a list, in one of several ways. */
    private String joined(List<String> phrases) {
        if (phrases.size() == 2) {
            String[] joiners = {" and ", ", and ", " plus ", " as well as ", " along with ", ", and also ", " and then "};
            return phrases.get(0) + joiners[random.nextInt(joiners.length)] + phrases.get(1);
        }
        String[] lasts = {" and ", ", and ", ", plus ", ", and finally "};
        return phrases.get(0) + ", " + phrases.get(1) + lasts[random.nextInt(lasts.length)] + phrases.get(2);
    }

    /**
     * Two turns: a picture, then a follow-up about it: an edit ({@code image-edit} of the picture),
     * "animate it" (a video with the picture's prompt) or a sound to go with it.
     */
    private DatasetRecord followUp(String id, Split split, int c) {
        if (c < 0) {
            return null;
        }
        Template first = pick("generation/text-to-image", split, slots(c, -1));
        Template firstReply = pick("generation/replies-text-to-image", split, slots(c, -1));
        String[] kinds = {"edit", "animate", "sound"};
        String kind = kinds[random.nextInt(kinds.length)];
        int sound = kind.equals("sound") ? caption(split, -1, Modality.AUDIO) : -1;
        Template user = pick("reasoning/follow-ups", split, slots(-1, sound).and(t -> t.fits(kind)));
        Template reply = pick("reasoning/replies-follow-ups", split, t -> t.fits(kind));
        Template edit = pick("reasoning/edits", split, t -> true);
        if (first == null || firstReply == null || user == null || reply == null || (kind.equals("sound") && sound < 0)) {
            return null;
        }
        MetaResponse image = prompt("img1", Tasks.TEXT_TO_IMAGE, promptOf(c));
        MetaResponse next = switch (kind) {
            case "edit" -> edit("img2", "img1", edit.reply());
            case "animate" -> prompt("vid1", Tasks.TEXT_TO_VIDEO, promptOf(c));
            default -> prompt("aud1", Tasks.TEXT_TO_AUDIO, promptOf(sound));
        };
        Map<String, String> v = values(c, sound);
        v.put("edit", edit.text());
        List<Integer> used = sound < 0 ? List.of(c) : List.of(c, sound);
        return record(id, RecordKind.REASONING, "follow-up-" + kind, split, used, List.of(),
                List.of(Renderer.fill(first.text(), v), Renderer.fillReply(firstReply.text(), v, List.of(image)),
                        Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, List.of(next))),
                List.of(next), user);
    }

    private DatasetRecord pair(String id, Split split, String set, String variant) {
        Template pair = pick(set, split, t -> true);
        if (pair == null) {
            return null;
        }
        return record(id, RecordKind.REASONING, variant, split, List.of(), List.of(), List.of(pair.text(), pair.reply()),
                List.of(), pair);
    }

    /**
     * Requests about text only, with answers computed from the caption where there is one right
     * answer. Tags: {@code @image}/{@code @video}/{@code @audio} restrict a template to captions of
     * that modality; {@code @cased} to captions that have capital letters; {@code @clause} /
     * {@code @phrase} to captions that read as a sentence / as a noun phrase.
     */
    private DatasetRecord noCallText(String id, Split split, int c) {
        Caption caption = captions.get(c);
        String text = CaptionText.clean(caption.text());
        boolean cased = !text.equals(text.toLowerCase(Locale.ROOT));
        boolean clause = forms.isClause(text);
        String m = caption.modality().wireName();
        Set<String> modalities = Set.of("image", "video", "audio");
        Template pair = pick("reasoning/no-call-text", split, slots(c, -1).and(t -> {
            boolean modalityTagged = t.tags().stream().anyMatch(modalities::contains);
            if (modalityTagged && !t.tags().contains(m)) {
                return false;
            }
            return (!t.tags().contains("cased") || cased) && (!t.tags().contains("clause") || clause)
                    && (!t.tags().contains("phrase") || !clause);
        }));
        if (pair == null) {
            return null;
        }
        Map<String, String> v = values(c, -1);
        v.put("quoted", text);
        v.put("lowercase", text.toLowerCase(Locale.ROOT));
        v.put("CAPTION", text.toUpperCase(Locale.ROOT));
        v.put("Title", CaptionText.title(text));
        v.put("words", Integer.toString(CaptionText.words(text)));
        return record(id, RecordKind.REASONING, "no-call-text", split, List.of(c), List.of(),
                List.of(Renderer.fill(pair.text(), v), Renderer.fill(pair.reply(), v)), List.of(), pair);
    }

    private static String callId(String task, int n) {
        return switch (task) {
            case Tasks.TEXT_TO_IMAGE -> "img" + n;
            case Tasks.TEXT_TO_VIDEO -> "vid" + n;
            case Tasks.TEXT_TO_SPEECH -> "speech" + n;
            default -> "aud" + n;
        };
    }

    private static MetaResponse prompt(String id, String task, String prompt) {
        ObjectNode args = Json.object();
        args.put("prompt", prompt);
        return MetaResponse.ofTask(id, task, args);
    }

    private static MetaResponse speech(String id, String text, String about) {
        ObjectNode args = Json.object();
        args.put("text", text);
        if (about != null) {
            args.putObject("about").put(MetaResponse.REF, about);
        }
        return MetaResponse.ofTask(id, Tasks.TEXT_TO_SPEECH, args);
    }

    private MetaResponse edit(String id, String source, String prompt) {
        ObjectNode args = Json.object();
        args.putObject("image").put(MetaResponse.REF, source);
        args.put("prompt", prompt);
        if (random.nextBoolean()) {
            args.put("strength", (3 + random.nextInt(6)) / 10.0);
        }
        return MetaResponse.ofTask(id, Tasks.IMAGE_EDIT, args);
    }

    private DatasetRecord record(String id, RecordKind kind, String variant, Split split, List<Integer> used,
                                 List<MediaRef> media, List<String> turns, List<MetaResponse> calls, Template template) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            messages.add(new Message(i % 2 == 0 ? Message.USER : Message.ASSISTANT, turns.get(i)));
        }
        List<CaptionRef> refs = used.stream().map(i -> CaptionRef.of(captions.get(i))).toList();
        return new DatasetRecord(id, kind, variant, split, refs, media, messages, calls, template.ref(), false);
    }
}
