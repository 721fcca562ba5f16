package dev.modaweave.datasets;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Converts records to the export formats and writes them one at a time (streaming, bounded memory). */
public final class Exporters {

    /** The system message of the OpenAI export and of the evaluation. */
    public static final String SYSTEM_PROMPT = "You are a helpful multimodal assistant. You can create media by "
            + "writing meta-responses: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"...\"}}</meta>. "
            + "Tasks: text-to-image {prompt}, text-to-video {prompt}, text-to-audio {prompt} (sounds, not speech), "
            + "text-to-speech {text}, image-edit {image, prompt, strength?} where image is {\"$ref\":\"<id of an earlier "
            + "call or an attached image>\"}. Only write a meta-response when the user wants media made; otherwise answer in text.";

    private static final Map<String, String> MODAVERSE_MODALITIES = Map.of(
            Tasks.TEXT_TO_IMAGE, "IMAGE", Tasks.TEXT_TO_VIDEO, "VIDEO", Tasks.TEXT_TO_AUDIO, "AUDIO");

    private Exporters() {
    }

    /** Writes records of one split in one format. */
    public interface RecordWriter extends AutoCloseable {
        /** Writes {@code record}; returns false when the format cannot express it (it is skipped). */
        boolean write(DatasetRecord record);

        @Override
        void close();
    }

    /** Opens the writer of {@code format} for {@code split} under {@code outDir}, creating directories. */
    public static RecordWriter open(ExportFormat format, Path outDir, Split split) {
        Path dir = format.directory().isEmpty() ? outDir : outDir.resolve(format.directory());
        try {
            Files.createDirectories(dir);
            BufferedWriter out = Files.newBufferedWriter(dir.resolve(format.fileName(split)), StandardCharsets.UTF_8);
            return switch (format) {
                case NATIVE -> new LineWriter(out, r -> Optional.of(r.toJson()));
                case MODAVERSE -> new LineWriter(out, Exporters::modaVerse);
                case OPENAI -> new LineWriter(out, r -> Optional.of(openAi(r)));
                case LLAVA -> new ArrayWriter(out);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(format.fileName(split)), e);
        }
    }

    /** The LLaVA conversation of a record: media placeholders in the human turn, media named by caption id. */
    public static ObjectNode llava(DatasetRecord r) {
        ObjectNode o = Json.object();
        o.put("id", r.id());
        StringBuilder human = new StringBuilder();
        for (DatasetRecord.MediaRef m : r.media()) {
            o.put(m.modality().wireName(), m.captionId());
            human.append('<').append(m.modality().wireName()).append(">\n");
        }
        human.append(r.userText());
        ArrayNode conv = o.putArray("conversations");
        conv.addObject().put("from", "human").put("value", human.toString());
        conv.addObject().put("from", "gpt").put("value", r.assistantText());
        return o;
    }

    /** The ModaVerse form, or empty when a call has no ModaVerse notation (speech, edit). */
    public static Optional<ObjectNode> modaVerse(DatasetRecord r) {
        String text = r.assistantText();
        for (MetaResponse call : r.calls()) {
            String modality = MODAVERSE_MODALITIES.get(call.task());
            if (modality == null) {
                return Optional.empty();
            }
            String line = "Modality: [" + modality + "] Prompt: " + call.args().path("prompt").asText();
            text = text.replace(call.toCanonicalText(), "\n" + line + "\n");
        }
        text = text.replaceAll(" *\n *", "\n").replaceAll("\n{2,}", "\n").strip();
        ObjectNode o = Json.object();
        o.put("id", r.id());
        StringBuilder instruction = new StringBuilder();
        r.media().forEach(m -> instruction.append('<').append(m.modality().wireName()).append(">\n"));
        o.put("instruction", instruction.append(r.userText()).toString());
        o.put("output", text);
        return Optional.of(o);
    }

    /** One OpenAI chat fine-tuning line: system, user, assistant with {@code tool_calls}, and the tools. */
    public static ObjectNode openAi(DatasetRecord r) {
        ObjectNode o = Json.object();
        ArrayNode messages = o.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        StringBuilder user = new StringBuilder();
        r.media().forEach(m -> user.append("[attached ").append(m.modality().wireName()).append(": ")
                .append(m.artifactId()).append("]\n"));
        messages.addObject().put("role", "user").put("content", user.append(r.userText()).toString());
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        String text = r.assistantText();
        for (MetaResponse call : r.calls()) {
            text = text.replace(call.toCanonicalText(), "");
        }
        text = text.replaceAll("\\s{2,}", " ").strip();
        if (text.isEmpty() && !r.calls().isEmpty()) {
            assistant.putNull("content");
        } else {
            assistant.put("content", text);
        }
        if (!r.calls().isEmpty()) {
            ArrayNode calls = assistant.putArray("tool_calls");
            for (MetaResponse call : r.calls()) {
                ObjectNode c = calls.addObject();
                c.put("id", call.id());
                c.put("type", "function");
                c.putObject("function").put("name", call.task()).put("arguments", Json.write(call.args()));
            }
        }
        o.set("tools", openAiTools());
        return o;
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

    private static final class LineWriter implements RecordWriter {
        private final Writer out;
        private final Converter converter;

        LineWriter(Writer out, Converter converter) {
            this.out = out;
            this.converter = converter;
        }

        @Override
        public boolean write(DatasetRecord record) {
            Optional<ObjectNode> node = converter.convert(record);
            if (node.isEmpty()) {
                return false;
            }
            try {
                out.write(Json.write(node.get()));
                out.write('\n');
                return true;
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

    private static final class ArrayWriter implements RecordWriter {
        private final JsonGenerator generator;

        ArrayWriter(Writer out) throws IOException {
            generator = Json.MAPPER.getFactory().createGenerator(out);
            generator.writeStartArray();
        }

        @Override
        public boolean write(DatasetRecord record) {
            try {
                generator.writeRaw('\n');
                generator.writeTree(llava(record));
                return true;
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
}
