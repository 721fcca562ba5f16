package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.generators.http.internal.WorkflowTemplate;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link ComfyUiTool}: a workflow exported from ComfyUI with "Save (API Format)",
 * whose string values hold placeholders ({@code "{{prompt}}"}, {@code "{{seed}}"},
 * {@code "{{width}}"}, {@code "{{height}}"}, {@code "{{frames}}"}, {@code "{{negative_prompt}}"},
 * {@code "{{image}}"}, {@code "{{strength}}"}); the tool's arguments are derived from the
 * placeholders the workflow uses.
 *
 * @param http           shared settings; the task defaults to text-to-image, -video or -audio after {@code output}
 * @param workflow       the workflow template
 * @param output         the modality of the output file the tool returns
 * @param outputNode     id of the node whose output is returned, or null for the first output of the right kind
 * @param width          default for {@code {{width}}}
 * @param height         default for {@code {{height}}}
 * @param frames         default for {@code {{frames}}}
 * @param negativePrompt default for {@code {{negative_prompt}}}
 * @param websocket      whether to listen on ComfyUI's websocket for step progress (polling decides completion either way)
 */
public record ComfyUiConfig(
        HttpToolSettings http,
        WorkflowTemplate workflow,
        Modality output,
        String outputNode,
        int width,
        int height,
        int frames,
        String negativePrompt,
        boolean websocket) {

    public ComfyUiConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(output, "output");
        if (output == Modality.TEXT) {
            throw new IllegalArgumentException("tool '" + http.name() + "': ComfyUI output must be image, video or audio");
        }
        if (width < 1 || height < 1 || frames < 1) {
            throw new IllegalArgumentException("tool '" + http.name() + "': width, height and frames must be positive");
        }
        negativePrompt = Objects.requireNonNullElse(negativePrompt, "");
    }

    /** Whether the workflow takes an input image ({@code {{image}}}). */
    public boolean takesImage() {
        return workflow.placeholders().contains("image");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code comfyui}, {@code http://127.0.0.1:8188}, image output, 1024×1024, 16 frames, websocket progress on. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private WorkflowTemplate workflow;
        private Modality output = Modality.IMAGE;
        private String outputNode;
        private int width = 1024;
        private int height = 1024;
        private int frames = 16;
        private String negativePrompt = "";
        private boolean websocket = true;

        @Override
        protected Builder self() { return this; }

        /** The workflow template from a JSON file. */
        public Builder workflow(Path file) {
            try {
                this.workflow = new WorkflowTemplate(Json.parse(Files.readString(file)), "'" + file + "'");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the ComfyUI workflow '" + file + "': " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("the ComfyUI workflow")) {
                    throw e;
                }
                throw new IllegalArgumentException("the ComfyUI workflow '" + file + "' is not valid JSON: " + e.getMessage(), e);
            }
            return this;
        }

        /** The workflow template as JSON. */
        public Builder workflow(JsonNode workflow) {
            this.workflow = new WorkflowTemplate(workflow, "given inline");
            return this;
        }

        public Builder output(Modality output) { this.output = output; return this; }
        public Builder outputNode(String outputNode) { this.outputNode = outputNode; return this; }
        public Builder width(int width) { this.width = width; return this; }
        public Builder height(int height) { this.height = height; return this; }
        public Builder frames(int frames) { this.frames = frames; return this; }
        public Builder negativePrompt(String negativePrompt) { this.negativePrompt = negativePrompt; return this; }
        public Builder websocket(boolean websocket) { this.websocket = websocket; return this; }

        public ComfyUiConfig build() {
            if (workflow == null) {
                throw new IllegalArgumentException("a ComfyUI tool needs a workflow: the path of a workflow exported in API format");
            }
            String defaultTask = switch (output) {
                case VIDEO -> Tasks.TEXT_TO_VIDEO;
                case AUDIO -> Tasks.TEXT_TO_AUDIO;
                default -> Tasks.TEXT_TO_IMAGE;
            };
            return new ComfyUiConfig(settings("comfyui", defaultTask, "http://127.0.0.1:8188", ApiKey.none()),
                    workflow, output, outputNode, width, height, frames, negativePrompt, websocket);
        }
    }
}
