package dev.modaweave.datasets;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.datasets.internal.SplitAssigner;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts records to the export formats and writes them one at a time (streaming, bounded memory).
 * Every export is shaped after the loader of the project it is named for, so that its files load
 * there unchanged:
 *
 * <ul>
 *   <li><b>ModaVerse</b> ({@code modaverse/<split>.json}): one JSON array of
 *       {@code {instruction, media: {image, video, audio}, meta_response: {modality, prompt}}}, as
 *       ModaVerse's {@code MultiModalDataset} reads it (media paths relative to its {@code media_root}, or
 *       {@code "none"}). ModaVerse trains one {@code Modality: [X] Prompt: …} answer per example, so a
 *       record is exported only when its answer is one image, video or sound call, or text only; records
 *       with several calls, speech, edits or an earlier turn are left out and counted by reason.</li>
 *   <li><b>LLaVA</b> ({@code llava/<split>.json}): LLaVA 1.5 conversations; {@code image} is the image
 *       file relative to the image folder ({@code val2017/000000270677.jpg} for a COCO caption) and
 *       {@code <image>} opens the first human turn. Records about a video or a sound go to
 *       {@code llava/<split>-video-audio.json} in the format of VideoLLaMA 2's audio-visual loader:
 *       a {@code video} or {@code audio} path and a {@code <video>} / {@code <audio>} token.</li>
 *   <li><b>OpenAI</b> ({@code openai/<split>.jsonl}): chat fine-tuning lines in one of two styles with the
 *       system prompt that matches it: {@link OpenAiStyle#TOOLS} (calls as {@code tool_calls}, the five
 *       tools declared) or {@link OpenAiStyle#META} (calls as {@code <meta>} text).</li>
 * </ul>
 *
 * <p>Attached media are named in the human turn by artifact id ({@code [attached image: art_…]}) so
 * that a call's {@code $ref} to them resolves in every export.
 */
public final class Exporters {

    /** The system message of the {@code <meta>} style: the OpenAI export's META style and the evaluation. */
    public static final String SYSTEM_PROMPT = "You are a helpful multimodal assistant. You can create media by "
            + "writing meta-responses: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"...\"}}</meta>. "
            + "Tasks: text-to-image {prompt}, text-to-video {prompt}, text-to-audio {prompt} (sounds, not speech), "
            + "text-to-speech {text, about?} where about is {\"$ref\":\"<id of the picture it narrates>\"}, "
            + "image-edit {image, prompt, strength?} where image is {\"$ref\":\"<id of an earlier "
            + "call or an attached image>\"}. Only write a meta-response when the user wants media made; otherwise answer in text.";

    /** The system message of the native tool-call style. */
    public static final String TOOLS_SYSTEM_PROMPT = "You are a helpful multimodal assistant. When the user wants "
            + "media made, call the matching tool: text-to-image, text-to-video, text-to-audio (sounds and music, not "
            + "speech), text-to-speech (reads a text aloud), image-edit (changes an earlier or attached image, given as "
            + "{\"$ref\": \"<its id>\"}). Give each call an id; a later call refers to an earlier one by that id. "
            + "Otherwise answer in text without calling a tool.";

    /** How the OpenAI export writes calls. */
    public enum OpenAiStyle {
        /** Calls as native {@code tool_calls}; the tools are declared; {@link #TOOLS_SYSTEM_PROMPT}. */
        TOOLS,
        /** Calls as {@code <meta>} text in the content; no tools declared; {@link #SYSTEM_PROMPT}. */
        META;

        /** Parses {@code tools} or {@code meta}. @throws IllegalArgumentException naming the allowed values */
        public static OpenAiStyle fromWireName(String name) {
            for (OpenAiStyle s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown OpenAI export style '" + name + "'; expected tools or meta");
        }
    }

    /** ModaVerse's modality names, by task. */
    private static final Map<String, String> MODAVERSE_MODALITIES = Map.of(
            Tasks.TEXT_TO_IMAGE, "image", Tasks.TEXT_TO_VIDEO, "video", Tasks.TEXT_TO_AUDIO, "audio");

    private Exporters() {
    }

    /** Writes records of one split in one format. */
    public interface RecordWriter extends AutoCloseable {
        /** Writes {@code record}; returns why the format cannot express it (it is skipped), or null when written. */
        String write(DatasetRecord record);

        @Override
        void close();
    }

    /** Opens the writer of {@code format} for {@code split} under {@code outDir} with the tool-call OpenAI style. */
    public static RecordWriter open(ExportFormat format, Path outDir, Split split) {
        return open(format, outDir, split, OpenAiStyle.TOOLS);
    }

    /** Opens the writer of {@code format} for {@code split} under {@code outDir}, creating directories. */
    public static RecordWriter open(ExportFormat format, Path outDir, Split split, OpenAiStyle style) {
        Path dir = format.directory().isEmpty() ? outDir : outDir.resolve(format.directory());
        try {
            Files.createDirectories(dir);
            return switch (format) {
                case NATIVE -> new LineWriter(writer(dir, format.fileName(split)), r -> Optional.of(r.toJson()), r -> null);
                case MODAVERSE -> new ArrayWriter(writer(dir, format.fileName(split)), r -> modaVerse(r).orElse(null),
                        Exporters::modaVerseSkipReason);
                case OPENAI -> new LineWriter(writer(dir, format.fileName(split)), r -> Optional.of(openAi(r, style)), r -> null);
                case LLAVA -> new LlavaWriter(new ArrayWriter(writer(dir, format.fileName(split)), Exporters::llava, r -> null),
                        new ArrayWriter(writer(dir, split.wireName() + "-video-audio.json"), Exporters::llava, r -> null));
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(format.fileName(split)), e);
        }
    }

    private static BufferedWriter writer(Path dir, String name) throws IOException {
        return Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8);
    }

    /**
     * The file of a media item relative to its corpus's media folder: {@code val2017/000000270677.jpg}
     * for a COCO caption, {@code video123.mp4} for MSR-VTT, {@code 91139.wav} for AudioCaps (named by
     * audiocap id), {@code <modality>/<caption id>.<ext>} otherwise.
     */
    public static String mediaFile(String captionId, Modality modality) {
        String coco = SplitAssigner.cocoImagePath(captionId);
        if (coco != null) {
            return coco;
        }
        if (captionId.startsWith("msrvtt-")) {
            return captionId.substring("msrvtt-".length()) + ".mp4";
        }
        if (captionId.startsWith("audiocaps-")) {
            return captionId.substring("audiocaps-".length()) + ".wav";
        }
        String ext = switch (modality) {
            case IMAGE -> ".jpg";
            case VIDEO -> ".mp4";
            default -> ".wav";
        };
        return modality.wireName() + "/" + captionId.replaceAll("[^A-Za-z0-9._-]", "_") + ext;
    }

    /**
     * The file of a media item relative to ModaVerse's single {@code media_root}: the corpus folder
     * ({@code coco/}, {@code msrvtt/}, {@code audiocaps/}) then {@link #mediaFile}.
     */
    public static String modaVerseMediaFile(String captionId, Modality modality) {
        String file = mediaFile(captionId, modality);
        if (SplitAssigner.cocoImagePath(captionId) != null) {
            return "coco/" + file;
        }
        if (captionId.startsWith("msrvtt-")) {
            return "msrvtt/" + file;
        }
        if (captionId.startsWith("audiocaps-")) {
            return "audiocaps/" + file;
        }
        return file;
    }

    /** The user text as exports show it: attached media named by artifact id, then the text. */
    static String withAttachments(DatasetRecord r, String text) {
        StringBuilder user = new StringBuilder();
        r.media().forEach(m -> user.append("[attached ").append(m.modality().wireName()).append(": ")
                .append(m.artifactId()).append("]\n"));
        return user.append(text).toString();
    }

    /**
     * The LLaVA conversation of a record: the media file under {@code image}, {@code video} or
     * {@code audio}, its token before the first human turn, every turn of the record.
     */
    public static ObjectNode llava(DatasetRecord r) {
        ObjectNode o = Json.object();
        o.put("id", r.id());
        String token = "";
        if (!r.media().isEmpty()) {
            DatasetRecord.MediaRef m = r.media().get(0);
            o.put(m.modality().wireName(), mediaFile(m.captionId(), m.modality()));
            token = "<" + m.modality().wireName() + ">\n";
        }
        ArrayNode conv = o.putArray("conversations");
        boolean first = true;
        for (DatasetRecord.Message message : r.messages()) {
            boolean human = message.role().equals(DatasetRecord.Message.USER);
            String value = human && first ? token + withAttachments(r, message.content()) : message.content();
            conv.addObject().put("from", human ? "human" : "gpt").put("value", value);
            first &= !human;
        }
        return o;
    }

    /** Why ModaVerse cannot take {@code r}, or null when it can. */
    public static String modaVerseSkipReason(DatasetRecord r) {
        if (r.messages().size() > 2) {
            return "an earlier turn (ModaVerse examples are single-turn)";
        }
        if (r.media().size() > 1) {
            return "several attached media";
        }
        if (r.calls().size() > 1) {
            return "several calls (ModaVerse answers with one call)";
        }
        if (r.calls().size() == 1 && !MODAVERSE_MODALITIES.containsKey(r.calls().get(0).task())) {
            return r.calls().get(0).task() + " (no ModaVerse modality)";
        }
        return null;
    }

    /**
     * The ModaVerse example of a record, or empty when ModaVerse cannot express it
     * ({@link #modaVerseSkipReason}). A text answer is {@code modality: text} with the answer as prompt.
     */
    public static Optional<ObjectNode> modaVerse(DatasetRecord r) {
        if (modaVerseSkipReason(r) != null) {
            return Optional.empty();
        }
        ObjectNode o = Json.object();
        o.put("id", r.id());
        o.put("instruction", r.userText());
        ObjectNode media = o.putObject("media");
        for (String m : List.of("image", "video", "audio")) {
            media.put(m, "none");
        }
        r.media().forEach(m -> media.put(m.modality().wireName(), modaVerseMediaFile(m.captionId(), m.modality())));
        ObjectNode response = o.putObject("meta_response");
        if (r.calls().isEmpty()) {
            response.put("modality", "text").put("prompt", r.assistantText().strip());
        } else {
            MetaResponse call = r.calls().get(0);
            response.put("modality", MODAVERSE_MODALITIES.get(call.task())).put("prompt", call.args().path("prompt").asText());
        }
        return Optional.of(o);
    }

    /** One OpenAI chat fine-tuning line in the tool-call style. */
    public static ObjectNode openAi(DatasetRecord r) {
        return openAi(r, OpenAiStyle.TOOLS);
    }

    /**
     * One OpenAI chat fine-tuning line: the style's system prompt, then every turn. In the tool-call
     * style an assistant turn's calls become {@code tool_calls} (function name = task, {@code id} =
     * call id, {@code $ref} kept in the arguments), an earlier turn's calls are answered by
     * {@code tool} messages, and the tools are declared; in the meta style the turns are kept as written.
     */
    public static ObjectNode openAi(DatasetRecord r, OpenAiStyle style) {
        ObjectNode o = Json.object();
        ArrayNode messages = o.putArray("messages");
        messages.addObject().put("role", "system").put("content", style == OpenAiStyle.TOOLS ? TOOLS_SYSTEM_PROMPT : SYSTEM_PROMPT);
        boolean first = true;
        List<DatasetRecord.Message> turns = r.messages();
        for (int i = 0; i < turns.size(); i++) {
            DatasetRecord.Message m = turns.get(i);
            if (m.role().equals(DatasetRecord.Message.USER)) {
                messages.addObject().put("role", "user").put("content", first ? withAttachments(r, m.content()) : m.content());
                first = false;
                continue;
            }
            if (style == OpenAiStyle.META) {
                messages.addObject().put("role", "assistant").put("content", m.content());
                continue;
            }
            List<MetaResponse> calls = callsOf(m.content());
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            String text = m.content();
            for (MetaResponse call : calls) {
                text = text.replace(call.toCanonicalText(), "");
            }
            text = text.replaceAll("\\s{2,}", " ").strip();
            if (text.isEmpty() && !calls.isEmpty()) {
                assistant.putNull("content");
            } else {
                assistant.put("content", text);
            }
            if (!calls.isEmpty()) {
                ArrayNode toolCalls = assistant.putArray("tool_calls");
                for (MetaResponse call : calls) {
                    ObjectNode c = toolCalls.addObject();
                    c.put("id", call.id());
                    c.put("type", "function");
                    c.putObject("function").put("name", call.task()).put("arguments", Json.write(call.args()));
                }
                if (i < turns.size() - 1) {
                    for (MetaResponse call : calls) {
                        messages.addObject().put("role", "tool").put("tool_call_id", call.id())
                                .put("content", Json.write(Json.object().put("id", call.id()).put("status", "done")));
                    }
                }
            }
        }
        if (style == OpenAiStyle.TOOLS) {
            o.set("tools", openAiTools());
        }
        return o;
    }

    private static List<MetaResponse> callsOf(String text) {
        List<MetaResponse> calls = new java.util.ArrayList<>();
        for (ParseEvent event : MetaResponseParser.parseAll(text)) {
            if (event instanceof ParseEvent.Meta meta) {
                calls.add(meta.call());
            }
        }
        return calls;
    }

    private static ArrayNode openAiTools() {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (ToolDescriptor d : DatasetTools.catalog().all()) {
            ObjectNode parameters = d.argumentsSchema().deepCopy();
            parameters.remove("$schema");
            JsonNode props = parameters.path("properties");
            if (props.has("image")) {
                ObjectNode image = Json.object();
                image.put("description", "The image to edit: {\"$ref\": \"<id of an earlier call or an attached image>\"}.");
                image.put("type", "object");
                image.putObject("properties").putObject("$ref").put("type", "string");
                image.putArray("required").add("$ref");
                ((ObjectNode) props).set("image", image);
            }
            ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
            fn.put("name", d.task()).put("description", d.description()).set("parameters", parameters);
        }
        return tools;
    }

    private interface Converter {
        Optional<ObjectNode> convert(DatasetRecord r);
    }

    private interface SkipReason {
        String of(DatasetRecord r);
    }

    private static final class LineWriter implements RecordWriter {
        private final Writer out;
        private final Converter converter;
        private final SkipReason skip;

        LineWriter(Writer out, Converter converter, SkipReason skip) {
            this.out = out;
            this.converter = converter;
            this.skip = skip;
        }

        @Override
        public String write(DatasetRecord record) {
            String reason = skip.of(record);
            if (reason != null) {
                return reason;
            }
            try {
                out.write(Json.write(converter.convert(record).orElseThrow()));
                out.write('\n');
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write record " + record.id(), e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A JSON array written element by element. */
    private static final class ArrayWriter implements RecordWriter {
        private final JsonGenerator generator;
        private final java.util.function.Function<DatasetRecord, ObjectNode> converter;
        private final SkipReason skip;

        ArrayWriter(Writer out, java.util.function.Function<DatasetRecord, ObjectNode> converter, SkipReason skip)
                throws IOException {
            this.converter = converter;
            this.skip = skip;
            generator = Json.MAPPER.getFactory().createGenerator(out);
            generator.writeStartArray();
        }

        @Override
        public String write(DatasetRecord record) {
            String reason = skip.of(record);
            if (reason != null) {
                return reason;
            }
            try {
                generator.writeRaw('\n');
                generator.writeTree(converter.apply(record));
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write record " + record.id(), e);
            }
        }

        @Override
        public void close() {
            try {
                generator.writeRaw('\n');
                generator.writeEndArray();
                generator.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Image and text-only records to LLaVA's file, video and audio records to the VideoLLaMA 2 file. */
    private record LlavaWriter(ArrayWriter images, ArrayWriter videoAudio) implements RecordWriter {
        @Override
        public String write(DatasetRecord record) {
            boolean other = record.media().stream().anyMatch(m -> m.modality() != Modality.IMAGE);
            return other ? videoAudio.write(record) : images.write(record);
        }

        @Override
        public void close() {
            try {
                images.close();
            } finally {
                videoAudio.close();
            }
        }
    }
}
