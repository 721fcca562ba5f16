package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.Dialect;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One instruction example: a user turn (text, and media referred to by caption id) and the
 * assistant's answer, whose meta-responses are also given as {@link #calls()}. The JSON form is
 * described by {@code record.schema.json} next to this class.
 *
 * @param id          unique within a build, e.g. {@code rec-0000042}
 * @param kind        ModaVerse's kind of the example
 * @param variant     finer type, e.g. {@code text-to-image}, {@code image-then-edit}, {@code no-call-chat}
 * @param split       the split it belongs to
 * @param captions    the captions the example was built from (none for chit-chat)
 * @param media       media attached to the user turn, each standing for a caption's media item
 * @param messages    the conversation, user first, assistant last
 * @param calls       the meta-responses in the assistant's answer, in order; empty when no call is due
 * @param template    the template it was rendered from, e.g. {@code generation/text-to-image#12}
 * @param paraphrased whether a chat model rewrote the user's text
 */
public record DatasetRecord(
        String id,
        RecordKind kind,
        String variant,
        Split split,
        List<CaptionRef> captions,
        List<MediaRef> media,
        List<Message> messages,
        List<MetaResponse> calls,
        String template,
        boolean paraphrased) {

    public DatasetRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(split, "split");
        captions = List.copyOf(captions);
        media = List.copyOf(media);
        messages = List.copyOf(messages);
        calls = List.copyOf(calls);
        template = template == null ? "" : template;
        if (messages.size() < 2 || !messages.get(0).role().equals(Message.USER)
                || !messages.get(messages.size() - 1).role().equals(Message.ASSISTANT)) {
            throw new IllegalArgumentException("record '" + id + "' must start with a user message and end with an assistant message");
        }
    }

    /** The reference to a caption an example was built from. */
    public record CaptionRef(String id, Modality modality, String source) {
        public CaptionRef {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(modality, "modality");
            Objects.requireNonNull(source, "source");
        }

        public static CaptionRef of(Caption c) {
            return new CaptionRef(c.id(), c.modality(), c.source());
        }
    }

    /**
     * A media item in the user turn. It has an artifact id so that a call can refer to it with
     * {@code {"$ref": artifactId}} (an edit of an uploaded photo).
     */
    public record MediaRef(String artifactId, Modality modality, String captionId) {
        public MediaRef {
            Artifact.requireValidId(artifactId);
            Objects.requireNonNull(modality, "modality");
            Objects.requireNonNull(captionId, "captionId");
        }
    }

    /** One chat message; role is {@code user} or {@code assistant}. */
    public record Message(String role, String content) {
        public static final String USER = "user";
        public static final String ASSISTANT = "assistant";

        public Message {
            if (!USER.equals(role) && !ASSISTANT.equals(role)) {
                throw new IllegalArgumentException("message role '" + role + "' is invalid; use user or assistant");
            }
            Objects.requireNonNull(content, "content");
        }
    }

    /** The first user message's text. */
    public String userText() {
        return messages.get(0).content();
    }

    /** The last user message's text: the request the last assistant message answers. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals(Message.USER)) {
                return messages.get(i).content();
            }
        }
        return userText();
    }

    /** The last assistant message's text, meta-responses included. */
    public String assistantText() {
        return messages.get(messages.size() - 1).content();
    }

    /** The artifact ids of the attached media, which calls may refer to. */
    public Set<String> mediaArtifactIds() {
        Set<String> ids = new LinkedHashSet<>();
        media.forEach(m -> ids.add(m.artifactId()));
        return ids;
    }

    /** This record with another text of its last user message (a paraphrase). */
    public DatasetRecord withUserText(String text) {
        List<Message> copy = new ArrayList<>(messages);
        int last = 0;
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).role().equals(Message.USER)) {
                last = i;
            }
        }
        copy.set(last, new Message(Message.USER, text));
        return new DatasetRecord(id, kind, variant, split, captions, media, copy, calls, template, true);
    }

    /** The JSON object written to a split file. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("kind", kind.wireName());
        o.put("variant", variant);
        o.put("split", split.wireName());
        ArrayNode caps = o.putArray("captions");
        captions.forEach(c -> caps.addObject().put("id", c.id()).put("modality", c.modality().wireName()).put("source", c.source()));
        ArrayNode med = o.putArray("media");
        media.forEach(m -> med.addObject().put("artifactId", m.artifactId()).put("modality", m.modality().wireName())
                .put("captionId", m.captionId()));
        ArrayNode msgs = o.putArray("messages");
        messages.forEach(m -> msgs.addObject().put("role", m.role()).put("content", m.content()));
        ArrayNode cs = o.putArray("calls");
        calls.forEach(c -> cs.add(c.toJson()));
        o.put("template", template);
        o.put("paraphrased", paraphrased);
        return o;
    }

    /**
     * Reads the JSON form back.
     *
     * @throws IllegalArgumentException naming the record and the missing or invalid field
     */
    public static DatasetRecord fromJson(JsonNode o) {
        String id = o.path("id").asText(null);
        try {
            List<CaptionRef> caps = new ArrayList<>();
            o.path("captions").forEach(c -> caps.add(new CaptionRef(c.path("id").asText(),
                    Modality.fromWireName(c.path("modality").asText()), c.path("source").asText())));
            List<MediaRef> med = new ArrayList<>();
            o.path("media").forEach(m -> med.add(new MediaRef(m.path("artifactId").asText(),
                    Modality.fromWireName(m.path("modality").asText()), m.path("captionId").asText())));
            List<Message> msgs = new ArrayList<>();
            o.path("messages").forEach(m -> msgs.add(new Message(m.path("role").asText(), m.path("content").asText())));
            List<MetaResponse> cs = new ArrayList<>();
            o.path("calls").forEach(c -> cs.add(new MetaResponse(c.path("id").asText(), c.path("task").asText(null),
                    c.path("tool").asText(null), c.path("args").isObject() ? (ObjectNode) c.get("args") : null,
                    Dialect.CANONICAL)));
            return new DatasetRecord(id, RecordKind.fromWireName(o.path("kind").asText()), o.path("variant").asText(),
                    Split.fromWireName(o.path("split").asText()), caps, med, msgs, cs, o.path("template").asText(""),
                    o.path("paraphrased").asBoolean(false));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("record " + (id == null ? "without id" : "'" + id + "'")
                    + " is not a valid dataset record: " + e.getMessage(), e);
        }
    }
}
