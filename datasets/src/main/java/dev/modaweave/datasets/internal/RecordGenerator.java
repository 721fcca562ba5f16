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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Renders records from templates and captions. Captions are visited in a seeded shuffled order;
 * every other choice (kind, variant, templates, second captions) comes from one seeded random
 * stream, so the same captions, seed and size give the same records. A record only uses captions
 * of one split.
 */
public final class RecordGenerator {

    /** Share of each kind among the records. */
    public static final Map<RecordKind, Double> DEFAULT_MIX = Map.of(
            RecordKind.ALIGNMENT, 0.3, RecordKind.GENERATION, 0.4, RecordKind.REASONING, 0.3);

    private final TemplateBank bank;
    private final List<Caption> captions;
    private final Split[] splitOf;
    private final Map<Split, Map<Modality, List<Integer>>> pools = new EnumMap<>(Split.class);
    private final Map<Split, List<Template>> chatBySplit = new EnumMap<>(Split.class);
    private final int[] order;
    private final SplittableRandom random;
    private final double alignmentShare;
    private final double generationShare;

    /**
     * @param bank     the templates
     * @param captions the (deduplicated) captions
     * @param splitOf  the split of each caption, same order
     * @param seed     the seed of every choice
     */
    public RecordGenerator(TemplateBank bank, List<Caption> captions, Split[] splitOf, long seed) {
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("no captions to build records from");
        }
        this.bank = bank;
        this.captions = captions;
        this.splitOf = splitOf;
        for (Split s : Split.values()) {
            Map<Modality, List<Integer>> byModality = new EnumMap<>(Modality.class);
            for (Modality m : Modality.values()) {
                byModality.put(m, new ArrayList<>());
            }
            pools.put(s, byModality);
            chatBySplit.put(s, new ArrayList<>());
        }
        for (int i = 0; i < captions.size(); i++) {
            pools.get(splitOf[i]).get(captions.get(i).modality()).add(i);
        }
        for (Template t : bank.set("reasoning/no-call-chat")) {
            chatBySplit.get(SplitAssigner.splitOf(CaptionText.unit(seed, "chat:" + t.text()), SplitAssigner.DEFAULT)).add(t);
        }
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
        this.alignmentShare = DEFAULT_MIX.get(RecordKind.ALIGNMENT);
        this.generationShare = DEFAULT_MIX.get(RecordKind.GENERATION);
    }

    /** The record number {@code index} (0-based); call with increasing indexes. */
    public DatasetRecord next(long index) {
        int captionIndex = order[(int) (index % order.length)];
        Caption caption = captions.get(captionIndex);
        Split split = splitOf[captionIndex];
        String id = String.format("rec-%07d", index + 1);
        double kind = random.nextDouble();
        if (kind < alignmentShare) {
            return alignment(id, split, caption);
        }
        if (kind < alignmentShare + generationShare) {
            return generation(id, split, caption);
        }
        return reasoning(id, split, caption);
    }

    private DatasetRecord alignment(String id, Split split, Caption c) {
        String m = c.modality().wireName();
        Template question = pick(m.equals("image") ? "alignment/image-questions"
                : m.equals("video") ? "alignment/video-questions" : "alignment/audio-questions");
        Template answer = pick("alignment/" + m + "-answers");
        Map<String, String> v = values(c, null);
        MediaRef media = new MediaRef(CaptionText.artifactId(c.id()), c.modality(), c.id());
        return record(id, RecordKind.ALIGNMENT, "describe-" + m, split, List.of(c), List.of(media),
                Renderer.fill(question.text(), v), Renderer.fill(answer.text(), v), List.of(), question);
    }

    private DatasetRecord generation(String id, Split split, Caption c) {
        String task = random.nextDouble() < 0.15 ? Tasks.TEXT_TO_SPEECH : switch (c.modality()) {
            case IMAGE -> Tasks.TEXT_TO_IMAGE;
            case VIDEO -> Tasks.TEXT_TO_VIDEO;
            default -> Tasks.TEXT_TO_AUDIO;
        };
        Template user = pick("generation/" + task);
        Template reply = pick("generation/replies-" + task);
        MetaResponse call = switch (task) {
            case Tasks.TEXT_TO_IMAGE -> prompt("img1", task, c);
            case Tasks.TEXT_TO_VIDEO -> prompt("vid1", task, c);
            case Tasks.TEXT_TO_AUDIO -> prompt("aud1", task, c);
            default -> speech("speech1", CaptionText.sentence(c.text()));
        };
        Map<String, String> v = values(c, null);
        return record(id, RecordKind.GENERATION, task, split, List.of(c), List.of(), Renderer.fill(user.text(), v),
                Renderer.fillReply(reply.text(), v, List.of(call)), List.of(call), user);
    }

    private DatasetRecord reasoning(String id, Split split, Caption c) {
        double r = random.nextDouble();
        return switch (c.modality()) {
            case IMAGE -> r < 0.3 ? imageThenEdit(id, split, c)
                    : r < 0.5 ? narrated(id, split, c, "image")
                    : r < 0.65 ? imageAndSound(id, split, c, other(split, Modality.AUDIO))
                    : r < 0.8 ? uploadEdit(id, split, c)
                    : r < 0.9 ? noCallText(id, split, c) : noCallChat(id, split, c);
            case VIDEO -> r < 0.6 ? narrated(id, split, c, "video")
                    : r < 0.8 ? noCallText(id, split, c) : noCallChat(id, split, c);
            default -> r < 0.5 ? imageAndSound(id, split, other(split, Modality.IMAGE), c)
                    : r < 0.75 ? noCallText(id, split, c) : noCallChat(id, split, c);
        };
    }

    private DatasetRecord imageThenEdit(String id, Split split, Caption c) {
        Template user = pick("reasoning/image-then-edit");
        Template reply = pick("reasoning/replies-image-then-edit");
        Template edit = pick("reasoning/edits");
        MetaResponse image = prompt("img1", Tasks.TEXT_TO_IMAGE, c);
        MetaResponse edited = edit("img2", "img1", edit.reply());
        Map<String, String> v = values(c, null);
        v.put("edit", edit.text());
        List<MetaResponse> calls = List.of(image, edited);
        return record(id, RecordKind.REASONING, "image-then-edit", split, List.of(c), List.of(),
                Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls), calls, user);
    }

    private DatasetRecord narrated(String id, Split split, Caption c, String medium) {
        boolean image = medium.equals("image");
        Template user = pick("reasoning/" + medium + "-then-narration");
        Template reply = pick("reasoning/replies-" + medium + "-then-narration");
        Map<String, String> v = values(c, null);
        MetaResponse first = image ? prompt("img1", Tasks.TEXT_TO_IMAGE, c) : prompt("vid1", Tasks.TEXT_TO_VIDEO, c);
        MetaResponse narration = speech("speech1", Renderer.fill(pick("reasoning/narrations-" + medium).text(), v));
        List<MetaResponse> calls = List.of(first, narration);
        return record(id, RecordKind.REASONING, medium + "-then-narration", split, List.of(c), List.of(),
                Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls), calls, user);
    }

    private DatasetRecord imageAndSound(String id, Split split, Caption image, Caption sound) {
        if (image == null || sound == null) {
            Caption present = image != null ? image : sound;
            return noCallText(id, split, present);
        }
        Template user = pick("reasoning/image-and-sound");
        Template reply = pick("reasoning/replies-image-and-sound");
        Map<String, String> v = values(image, sound);
        List<MetaResponse> calls = List.of(prompt("img1", Tasks.TEXT_TO_IMAGE, image), prompt("aud1", Tasks.TEXT_TO_AUDIO, sound));
        return record(id, RecordKind.REASONING, "image-and-sound", split, List.of(image, sound), List.of(),
                Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls), calls, user);
    }

    private DatasetRecord uploadEdit(String id, Split split, Caption c) {
        Template user = pick("reasoning/upload-edit");
        Template reply = pick("reasoning/replies-upload-edit");
        Template edit = pick("reasoning/edits");
        MediaRef upload = new MediaRef(CaptionText.artifactId(c.id()), Modality.IMAGE, c.id());
        Map<String, String> v = values(c, null);
        v.put("edit", edit.text());
        List<MetaResponse> calls = List.of(edit("img1", upload.artifactId(), edit.reply()));
        return record(id, RecordKind.REASONING, "upload-edit", split, List.of(c), List.of(upload),
                Renderer.fill(user.text(), v), Renderer.fillReply(reply.text(), v, calls), calls, user);
    }

    private DatasetRecord noCallText(String id, Split split, Caption c) {
        Template pair = pick("reasoning/no-call-text");
        Map<String, String> v = values(c, null);
        return record(id, RecordKind.REASONING, "no-call-text", split, List.of(c), List.of(),
                Renderer.fill(pair.text(), v), Renderer.fill(pair.reply(), v), List.of(), pair);
    }

    private DatasetRecord noCallChat(String id, Split split, Caption c) {
        List<Template> chat = chatBySplit.get(split);
        if (chat.isEmpty()) {
            return noCallText(id, split, c);
        }
        Template pair = chat.get(random.nextInt(chat.size()));
        return record(id, RecordKind.REASONING, "no-call-chat", split, List.of(), List.of(), pair.text(), pair.reply(),
                List.of(), pair);
    }

    private Caption other(Split split, Modality modality) {
        List<Integer> pool = pools.get(split).get(modality);
        return pool.isEmpty() ? null : captions.get(pool.get(random.nextInt(pool.size())));
    }

    private Template pick(String set) {
        List<Template> list = bank.set(set);
        return list.get(random.nextInt(list.size()));
    }

    private static Map<String, String> values(Caption c, Caption second) {
        Map<String, String> v = new HashMap<>();
        v.put("caption", CaptionText.inline(c.text()));
        v.put("Caption", CaptionText.sentence(c.text()));
        v.put("Caption_nostop", CaptionText.capitalised(c.text()));
        v.put("CAPTION", CaptionText.sentence(c.text()).toUpperCase(java.util.Locale.ROOT));
        v.put("lowercase", CaptionText.sentence(c.text()).toLowerCase(java.util.Locale.ROOT));
        v.put("Title", CaptionText.title(c.text()));
        v.put("words", Integer.toString(CaptionText.words(c.text())));
        if (second != null) {
            v.put("caption2", CaptionText.inline(second.text()));
            v.put("Caption2", CaptionText.sentence(second.text()));
        }
        return v;
    }

    private static MetaResponse prompt(String id, String task, Caption c) {
        ObjectNode args = Json.object();
        args.put("prompt", CaptionText.clean(c.text()));
        return MetaResponse.ofTask(id, task, args);
    }

    private static MetaResponse speech(String id, String text) {
        ObjectNode args = Json.object();
        args.put("text", text);
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

    private static DatasetRecord record(String id, RecordKind kind, String variant, Split split, List<Caption> used,
                                        List<MediaRef> media, String user, String assistant, List<MetaResponse> calls,
                                        Template template) {
        return new DatasetRecord(id, kind, variant, split, used.stream().map(CaptionRef::of).toList(), media,
                List.of(new Message(Message.USER, user), new Message(Message.ASSISTANT, assistant)), calls,
                template.ref(), false);
    }
}
