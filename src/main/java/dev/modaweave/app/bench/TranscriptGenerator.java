package dev.modaweave.app.bench;

import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Json;

import java.util.Random;

/**
 * Writes a deterministic, realistic LLM transcript: paragraphs of assistant prose with
 * meta-responses every few hundred characters, in the proportions a real model produces them
 * (mostly canonical blocks, some ModaVerse lines and paper notation, a few malformed or code-fenced
 * blocks, prompts with quotes, non-ASCII and emoji).
 */
public final class TranscriptGenerator {

    private static final String[] WORDS = ("the a of and to in is you that it for on with as was at by this be "
            + "are from or have an they which one your all there their can more when will would about how "
            + "image picture video clip sound song voice scene light colour warm cold soft bright dark sky sea "
            + "forest city street river mountain night morning evening fox cat dog bird horse child people "
            + "painting style detail texture motion camera slowly quickly gentle loud quiet here generate "
            + "create render narrate describe imagine café naïve jalapeño über Zürich").split(" ");
    private static final String[] SUBJECTS = {
            "a red fox in fresh snow at dawn", "an old lighthouse on a cliff, storm clouds, \"dramatic\" light",
            "children playing football on a dusty street", "a jazz trio in a smoky café 🎷",
            "rain falling on a tin roof at night", "waves crashing on black volcanic sand",
            "a hot-air balloon over Cappadocia at sunrise 🎈", "a cat sleeping on a sunny windowsill",
            "a busy Tokyo crossing seen from above", "birdsong in a beech forest in spring"};

    private TranscriptGenerator() {
    }

    /** A transcript of about {@code chars} characters. */
    public static String generate(int chars, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(chars + 1024);
        int call = 0;
        while (sb.length() < chars) {
            int sentences = 2 + random.nextInt(6);
            for (int s = 0; s < sentences; s++) {
                int words = 6 + random.nextInt(14);
                for (int w = 0; w < words; w++) {
                    String word = WORDS[random.nextInt(WORDS.length)];
                    if (w == 0) {
                        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                    }
                    sb.append(word).append(w == words - 1 ? ". " : " ");
                }
            }
            call++;
            String subject = SUBJECTS[random.nextInt(SUBJECTS.length)];
            int kind = random.nextInt(100);
            if (kind < 70) {
                var args = Json.object().put("prompt", subject);
                String task = switch (random.nextInt(4)) {
                    case 0 -> "text-to-video";
                    case 1 -> "text-to-audio";
                    case 2 -> "text-to-speech";
                    default -> "text-to-image";
                };
                if (task.equals("text-to-speech")) {
                    args = Json.object().put("text", subject + ". " + "Isn't it lovely?");
                }
                sb.append(MetaResponse.ofTask("c" + call, task, args).toCanonicalText());
                if (random.nextInt(4) == 0) {
                    var edit = Json.object().put("prompt", "make it warmer").put("strength", 0.35);
                    edit.set("image", Json.object().put("$ref", "c" + call));
                    sb.append(' ').append(MetaResponse.ofTask("e" + call, "image-edit", edit).toCanonicalText());
                }
            } else if (kind < 82) {
                sb.append("\nModality: [").append(random.nextBoolean() ? "IMAGE" : "AUDIO").append("] Prompt: ").append(subject).append('\n');
            } else if (kind < 88) {
                sb.append("{Model: \"T-to-V\", Input: ").append(Json.write(subject)).append('}');
            } else if (kind < 94) {
                sb.append("<meta>\n```json\n{\"task\":\"text-to-image\",\"args\":{\"prompt\":").append(Json.write(subject)).append("}}\n```\n</meta>");
            } else {
                sb.append("<meta>{\"task\": text-to-image, \"args\": {\"prompt\": ").append(Json.write(subject)).append("}}</meta>");
            }
            sb.append(random.nextInt(3) == 0 ? "\n\n" : " ");
        }
        return sb.toString();
    }
}
