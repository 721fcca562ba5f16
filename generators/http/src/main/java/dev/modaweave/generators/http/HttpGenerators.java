package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.http.internal.Settings;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Creates HTTP generator tools from a generic configuration map, the shape one entry of the
 * application's YAML takes (see this module's README for every backend's settings):
 *
 * <pre>{@code
 * backend: comfyui            # automatic1111 | comfyui | openai-images | openai-speech | replicate | stability | openai-vision | openai-transcription
 * name: sdxl-comfy
 * baseUrl: http://127.0.0.1:8188
 * workflow: workflows/sdxl.json
 * readTimeout: 120s
 * }</pre>
 *
 * Unknown settings are refused, so a misspelt one does not go unnoticed.
 */
public final class HttpGenerators {

    /** The {@code backend} values this factory knows. */
    public static final List<String> BACKENDS = List.of("automatic1111", "comfyui", "openai-images", "openai-speech",
            "replicate", "stability", "openai-vision", "openai-transcription");

    private static final List<String> COMMON = List.of("backend", "name", "task", "capacity", "baseUrl", "apiKey", "apiKeyEnv",
            "connectTimeout", "readTimeout", "pollInterval", "generationTimeout", "maxDownloadBytes", "allowPrivateAddresses",
            "allowedMediaHosts");
    private static final Map<String, List<String>> SPECIFIC = Map.of(
            "automatic1111", List.of("checkpoint", "sampler", "steps", "cfgScale", "width", "height", "negativePrompt"),
            "comfyui", List.of("workflow", "output", "outputNode", "width", "height", "frames", "negativePrompt", "websocket"),
            "openai-images", List.of("model", "size", "responseFormat", "quality"),
            "openai-speech", List.of("model", "voice", "format"),
            "replicate", List.of("model", "version", "output", "input", "promptInput", "imageInput", "preferWait"),
            "stability", List.of("service", "outputFormat", "aspectRatio", "model"),
            "openai-vision", List.of("model", "question", "maxTokens", "frames", "detail"),
            "openai-transcription", List.of("model", "language"));

    private HttpGenerators() {
    }

    /** Every setting {@code backend} accepts, the common ones first. */
    public static List<String> settingsOf(String backend) {
        List<String> specific = SPECIFIC.get(backend);
        if (specific == null) {
            throw new IllegalArgumentException("unknown backend '" + backend + "'; it must be one of " + BACKENDS);
        }
        List<String> all = new ArrayList<>(COMMON);
        all.addAll(specific);
        return List.copyOf(all);
    }

    /** A tool from {@code config}, reading API keys from the process environment and workflow paths relative to the working directory. */
    public static GeneratorTool create(Map<String, ?> config) {
        return create(config, System::getenv, Path.of(""));
    }

    /**
     * A tool from {@code config}.
     *
     * @param environment   where {@code apiKeyEnv} variables are looked up
     * @param baseDirectory what relative paths (a ComfyUI workflow) are resolved against, usually the config file's directory
     * @throws IllegalArgumentException naming the tool, the setting and what it must be
     */
    public static GeneratorTool create(Map<String, ?> config, UnaryOperator<String> environment, Path baseDirectory) {
        Objects.requireNonNull(config, "config");
        Object backendValue = config.get("backend");
        String backend = backendValue == null ? null : backendValue.toString();
        String label = "HTTP generator" + (config.get("name") == null ? "" : " '" + config.get("name") + "'");
        if (backend == null || !BACKENDS.contains(backend)) {
            throw new IllegalArgumentException(label + ": setting 'backend' is " + (backend == null ? "missing" : "'" + backend + "'")
                    + "; it must be one of " + BACKENDS);
        }
        List<String> known = settingsOf(backend);
        Set<String> unknown = new TreeSet<>(config.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(label + " (backend " + backend + "): unknown setting" + (unknown.size() > 1 ? "s " : " ")
                    + unknown + "; known settings are " + known);
        }
        Settings s = new Settings(config, label + " (backend " + backend + ")");
        s.string("backend");
        GeneratorTool tool = switch (backend) {
            case "automatic1111" -> automatic1111(s, environment);
            case "comfyui" -> comfyUi(s, environment, baseDirectory);
            case "openai-images" -> openAiImages(s, environment);
            case "openai-speech" -> openAiSpeech(s, environment);
            case "replicate" -> replicate(s, environment);
            case "openai-vision" -> openAiVision(s, environment);
            case "openai-transcription" -> openAiTranscription(s, environment);
            default -> stability(s, environment);
        };
        s.requireAllRead();
        return tool;
    }

    private static GeneratorTool automatic1111(Settings s, UnaryOperator<String> env) {
        var b = common(s, Automatic1111Config.builder(), null, env);
        if (s.has("checkpoint")) b.checkpoint(s.string("checkpoint"));
        if (s.has("sampler")) b.sampler(s.string("sampler"));
        if (s.has("steps")) b.steps(s.integer("steps"));
        if (s.has("cfgScale")) b.cfgScale(s.number("cfgScale"));
        if (s.has("width")) b.width(s.integer("width"));
        if (s.has("height")) b.height(s.integer("height"));
        if (s.has("negativePrompt")) b.negativePrompt(s.string("negativePrompt"));
        return new Automatic1111Tool(b.build());
    }

    private static GeneratorTool comfyUi(Settings s, UnaryOperator<String> env, Path baseDirectory) {
        var b = common(s, ComfyUiConfig.builder(), null, env);
        b.workflow(baseDirectory.resolve(s.requireString("workflow")));
        if (s.has("output")) b.output(Modality.fromWireName(s.string("output")));
        if (s.has("outputNode")) b.outputNode(s.string("outputNode"));
        if (s.has("width")) b.width(s.integer("width"));
        if (s.has("height")) b.height(s.integer("height"));
        if (s.has("frames")) b.frames(s.integer("frames"));
        if (s.has("negativePrompt")) b.negativePrompt(s.string("negativePrompt"));
        if (s.has("websocket")) b.websocket(s.bool("websocket"));
        return new ComfyUiTool(b.build());
    }

    private static GeneratorTool openAiImages(Settings s, UnaryOperator<String> env) {
        var b = common(s, OpenAiImagesConfig.builder(), "OPENAI_API_KEY", env);
        if (s.has("model")) b.model(s.string("model"));
        if (s.has("size")) b.size(s.string("size"));
        if (s.has("responseFormat")) b.responseFormat(s.string("responseFormat"));
        if (s.has("quality")) b.quality(s.string("quality"));
        return new OpenAiImagesTool(b.build());
    }

    private static GeneratorTool openAiSpeech(Settings s, UnaryOperator<String> env) {
        var b = common(s, OpenAiSpeechConfig.builder(), "OPENAI_API_KEY", env);
        if (s.has("model")) b.model(s.string("model"));
        if (s.has("voice")) b.voice(s.string("voice"));
        if (s.has("format")) b.format(s.string("format"));
        return new OpenAiSpeechTool(b.build());
    }

    private static GeneratorTool openAiVision(Settings s, UnaryOperator<String> env) {
        var b = common(s, OpenAiVisionConfig.builder(), "OPENAI_API_KEY", env);
        b.model(s.requireString("model"));
        if (s.has("question")) b.question(s.string("question"));
        if (s.has("maxTokens")) b.maxTokens(s.integer("maxTokens"));
        if (s.has("frames")) b.frames(s.integer("frames"));
        if (s.has("detail")) b.detail(s.string("detail"));
        return new OpenAiVisionTool(b.build());
    }

    private static GeneratorTool openAiTranscription(Settings s, UnaryOperator<String> env) {
        var b = common(s, OpenAiTranscriptionConfig.builder(), "OPENAI_API_KEY", env);
        if (s.has("model")) b.model(s.string("model"));
        if (s.has("language")) b.language(s.string("language"));
        return new OpenAiTranscriptionTool(b.build());
    }

    private static GeneratorTool replicate(Settings s, UnaryOperator<String> env) {
        var b = common(s, ReplicateConfig.builder(), "REPLICATE_API_TOKEN", env);
        b.model(s.requireString("model"));
        if (s.has("version")) b.version(s.string("version"));
        if (s.has("output")) b.output(Modality.fromWireName(s.string("output")));
        if (s.has("input")) b.input((ObjectNode) Json.MAPPER.valueToTree(s.map("input")));
        if (s.has("promptInput")) b.promptInput(s.string("promptInput"));
        if (s.has("imageInput")) b.imageInput(s.string("imageInput"));
        if (s.has("preferWait")) b.preferWait(s.duration("preferWait"));
        return new ReplicateTool(b.build());
    }

    private static GeneratorTool stability(Settings s, UnaryOperator<String> env) {
        var b = common(s, StabilityConfig.builder(), "STABILITY_API_KEY", env);
        if (s.has("service")) b.service(s.string("service"));
        if (s.has("outputFormat")) b.outputFormat(s.string("outputFormat"));
        if (s.has("aspectRatio")) b.aspectRatio(s.string("aspectRatio"));
        if (s.has("model")) b.model(s.string("model"));
        return new StabilityTool(b.build());
    }

    private static <B extends HttpToolSettings.Builder<B>> B common(Settings s, B b, String defaultKeyVariable,
                                                                   UnaryOperator<String> env) {
        if (s.has("name")) b.name(s.string("name"));
        if (s.has("task")) b.task(s.string("task"));
        if (s.has("capacity")) b.capacity(s.integer("capacity"));
        if (s.has("baseUrl")) b.baseUrl(s.string("baseUrl"));
        if (s.has("connectTimeout")) b.connectTimeout(s.duration("connectTimeout"));
        if (s.has("readTimeout")) b.readTimeout(s.duration("readTimeout"));
        if (s.has("pollInterval")) b.pollInterval(s.duration("pollInterval"));
        if (s.has("generationTimeout")) b.generationTimeout(s.duration("generationTimeout"));
        if (s.has("maxDownloadBytes")) b.maxDownloadBytes(s.bytes("maxDownloadBytes"));
        if (s.has("allowPrivateAddresses")) b.allowPrivateAddresses(s.bool("allowPrivateAddresses"));
        if (s.has("allowedMediaHosts")) b.allowedMediaHosts(Set.copyOf(s.strings("allowedMediaHosts")));
        boolean literal = s.has("apiKey");
        boolean variable = s.has("apiKeyEnv");
        if (literal && variable) {
            throw s.problem("set either apiKey or apiKeyEnv, not both");
        }
        if (variable) {
            b.apiKey(ApiKey.fromEnv(s.string("apiKeyEnv"), env));
        } else if (literal) {
            b.apiKey(ApiKey.of(s.string("apiKey")));
        } else {
            b.apiKey(defaultKeyVariable == null ? ApiKey.none() : ApiKey.fromEnv(defaultKeyVariable, env));
        }
        return b;
    }
}
