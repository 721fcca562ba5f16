package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;

import java.util.List;

/**
 * The five tasks the instruction data teaches, as tool descriptors: records are validated
 * against this catalog before they are written, and the OpenAI export declares them as functions.
 */
public final class DatasetTools {

    /** The tasks records may call, in catalog order. */
    public static final List<String> TASKS = List.of(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_VIDEO, Tasks.TEXT_TO_AUDIO,
            Tasks.TEXT_TO_SPEECH, Tasks.IMAGE_EDIT);

    private static final ToolCatalog CATALOG = ToolCatalog.of(
            prompted("dataset-text-to-image", Tasks.TEXT_TO_IMAGE, Modality.IMAGE, "Generates an image from a description."),
            prompted("dataset-text-to-video", Tasks.TEXT_TO_VIDEO, Modality.VIDEO, "Generates a short video clip from a description."),
            prompted("dataset-text-to-audio", Tasks.TEXT_TO_AUDIO, Modality.AUDIO, "Generates a sound (not speech) from a description."),
            speech(),
            edit());

    private DatasetTools() {
    }

    /** The catalog of the five tasks. */
    public static ToolCatalog catalog() {
        return CATALOG;
    }

    private static ToolDescriptor prompted(String name, String task, Modality output, String description) {
        ObjectNode schema = objectSchema();
        schema.putObject("properties").set("prompt", text("What to generate, in words."));
        schema.putArray("required").add("prompt");
        ObjectNode example = Json.object().put("prompt", "a red fox in fresh snow");
        return ToolDescriptor.builder().name(name).task(task).inputModalities(Modality.TEXT).outputModality(output)
                .argumentsSchema(schema).description(description).example(example).build();
    }

    private static ToolDescriptor speech() {
        ObjectNode schema = objectSchema();
        ObjectNode props = schema.putObject("properties");
        props.set("text", text("The words to speak."));
        props.set("voice", text("A voice name; the tool's default when absent."));
        props.set("about", ArgumentsSchema.artifactProperty(Modality.IMAGE,
                "The picture this speech narrates, {\"$ref\": \"<its call id>\"}; optional."));
        schema.putArray("required").add("text");
        return ToolDescriptor.builder().name("dataset-text-to-speech").task(Tasks.TEXT_TO_SPEECH)
                .inputModalities(Modality.TEXT).outputModality(Modality.AUDIO).argumentsSchema(schema)
                .description("Speaks a text aloud.").example(Json.object().put("text", "Hello there.")).build();
    }

    private static ToolDescriptor edit() {
        ObjectNode schema = objectSchema();
        ObjectNode props = schema.putObject("properties");
        props.set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "The image to edit."));
        props.set("prompt", text("The change to make."));
        ObjectNode strength = props.putObject("strength");
        strength.put("type", "number").put("minimum", 0).put("maximum", 1)
                .put("description", "How far the result may move away from the image, 0 to 1.");
        schema.putArray("required").add("image").add("prompt");
        ObjectNode example = Json.object().put("prompt", "make it look like a watercolor painting");
        example.putObject("image").put("$ref", "img1");
        return ToolDescriptor.builder().name("dataset-image-edit").task(Tasks.IMAGE_EDIT)
                .inputModalities(Modality.IMAGE, Modality.TEXT).outputModality(Modality.IMAGE).argumentsSchema(schema)
                .description("Edits an image following an instruction.").example(example).build();
    }

    private static ObjectNode objectSchema() {
        ObjectNode schema = Json.object();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        return schema;
    }

    private static ObjectNode text(String description) {
        return Json.object().put("type", "string").put("minLength", 1).put("maxLength", 4000).put("description", description);
    }
}
