package dev.modaweave.generators.http;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolSettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link GeneratorToolFactory} of each HTTP backend, registered in
 * {@code META-INF/services/dev.modaweave.tools.GeneratorToolFactory}: one per {@code backend:} kind,
 * each building its tool with {@link HttpGenerators#create(Map, java.util.function.UnaryOperator, java.nio.file.Path)}
 * from the entry's keys, with API keys read from the settings' environment and relative paths
 * (a ComfyUI workflow) resolved against the configuration file's directory.
 */
public final class HttpToolFactories {

    private HttpToolFactories() {
    }

    /** The shared shape of the six factories: a kind, a sentence, and {@link HttpGenerators#create}. */
    abstract static class HttpToolFactory implements GeneratorToolFactory {
        private final String kind;
        private final String description;

        HttpToolFactory(String kind, String description) {
            this.kind = kind;
            this.description = description;
        }

        @Override
        public final String kind() {
            return kind;
        }

        @Override
        public final String description() {
            return description;
        }

        @Override
        public final GeneratorTool create(ToolSettings settings) {
            Objects.requireNonNull(settings, "settings");
            Map<String, Object> config = new LinkedHashMap<>(Json.MAPPER.convertValue(settings.values(),
                    new TypeReference<Map<String, Object>>() { }));
            config.put("backend", kind);
            return HttpGenerators.create(config, settings.environment()::apply, settings.baseDirectory());
        }
    }

    /** {@code backend: automatic1111}: an AUTOMATIC1111 or Forge web UI started with {@code --api}. */
    public static final class Automatic1111 extends HttpToolFactory {
        public Automatic1111() {
            super("automatic1111", "AUTOMATIC1111 / Forge web UI (txt2img, img2img) over its --api endpoints.");
        }
    }

    /** {@code backend: comfyui}: a ComfyUI server running a workflow template. */
    public static final class ComfyUi extends HttpToolFactory {
        public ComfyUi() {
            super("comfyui", "ComfyUI server running a workflow template (image, video or audio output).");
        }
    }

    /** {@code backend: openai-images}: an OpenAI-compatible images endpoint. */
    public static final class OpenAiImages extends HttpToolFactory {
        public OpenAiImages() {
            super("openai-images", "OpenAI-compatible /v1/images endpoint (generations and edits).");
        }
    }

    /** {@code backend: openai-speech}: an OpenAI-compatible speech endpoint. */
    public static final class OpenAiSpeech extends HttpToolFactory {
        public OpenAiSpeech() {
            super("openai-speech", "OpenAI-compatible /v1/audio/speech endpoint (text to speech).");
        }
    }

    /** {@code backend: replicate}: a model hosted on Replicate. */
    public static final class Replicate extends HttpToolFactory {
        public Replicate() {
            super("replicate", "A Replicate model's predictions (image, video or audio output).");
        }
    }

    /** {@code backend: stability}: Stability AI's stable-image API. */
    public static final class Stability extends HttpToolFactory {
        public Stability() {
            super("stability", "Stability AI stable-image generate endpoints (core, ultra, sd3).");
        }
    }
}
