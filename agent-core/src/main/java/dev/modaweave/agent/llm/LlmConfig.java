package dev.modaweave.agent.llm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which LLM the agent talks to: the {@code llm:} section of the configuration file. Every setting has
 * a default, and the defaults work offline ({@code provider: embedded}, the application's built-in
 * planner).
 *
 * <pre>{@code
 * llm:
 *   provider: openai                 # openai | ollama | embedded
 *   baseUrl: http://127.0.0.1:8000/v1
 *   model: Qwen/Qwen2.5-7B-Instruct
 *   apiKeyEnv: OPENAI_API_KEY        # the NAME of the environment variable holding the key
 *   timeout: 60s                     # or PT60S
 *   maxRetries: 3
 * }</pre>
 *
 * @param provider        {@code openai} (any OpenAI-compatible server: OpenAI, vLLM, llama.cpp server, LM
 *                        Studio), {@code ollama}, or {@code embedded}; default {@code embedded}
 * @param baseUrl         the server's base URL; default {@code https://api.openai.com/v1} for openai,
 *                        {@code http://localhost:11434} for ollama, none for embedded
 * @param model           the model name the server knows; required for openai and ollama
 * @param apiKeyEnv       name of the environment variable holding the API key, or null for servers that
 *                        need none; the key itself never goes into configuration
 * @param timeout         how long to wait for the response to start and between two chunks of it;
 *                        default 60 s
 * @param maxRetries      retries of a call that failed before any output (429, 5xx, connection
 *                        refused or reset); default 3, at most 10
 * @param temperature     sampling temperature 0..2, or null for the server's default
 * @param nativeToolCalls whether the model calls tools with the chat API's function calling instead of
 *                        {@code <meta>} tags; default false
 * @param multimodal      whether the model takes images as message content; default false
 * @param projector       how user media reaches the model: {@code native} (as content; needs
 *                        {@code multimodal: true}), {@code caption} (as text captions from a tool) or
 *                        {@code learned} (soft tokens from a trained projector, sent as prompt embeddings);
 *                        default {@code native} for a multimodal model, else {@code caption}
 * @param videoFrames     with the native projector, how many evenly spaced keyframes of a video the model
 *                        is shown as images (1 to 16, default 4)
 * @param audioInput      with the native projector, whether the model takes audio as content; when false
 *                        (the default) recordings are transcribed by an {@code audio-to-text} tool instead
 * @param projectorSpec   with {@code projector: learned}, the projector's spec file (relative to the configuration file)
 */
public record LlmConfig(
        Provider provider,
        String baseUrl,
        String model,
        String apiKeyEnv,
        @JsonSerialize(using = ToStringSerializer.class) Duration timeout,
        int maxRetries,
        Double temperature,
        boolean nativeToolCalls,
        boolean multimodal,
        Projector projector,
        int videoFrames,
        boolean audioInput,
        String projectorSpec) {

    /** Default {@link #timeout()}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@link #videoFrames()}. */
    public static final int DEFAULT_VIDEO_FRAMES = 4;
    /** Default {@link #maxRetries()}. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    private static final int MAX_RETRIES_LIMIT = 10;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** The kind of server. */
    public enum Provider {
        /** Any server speaking OpenAI's chat-completions API: OpenAI, vLLM, llama.cpp server, LM Studio. */
        OPENAI("https://api.openai.com/v1"),
        /** An Ollama server ({@code /api/chat}). */
        OLLAMA("http://localhost:11434"),
        /** The built-in planner model provided by the application; works offline. */
        EMBEDDED(null);

        private final String defaultBaseUrl;

        Provider(String defaultBaseUrl) {
            this.defaultBaseUrl = defaultBaseUrl;
        }

        /** The name used in configuration. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The provider named {@code value} in configuration (case-insensitive). */
        public static Provider fromConfig(String value) {
            return parseEnum(Provider.class, "llm.provider", value);
        }
    }

    /** How user media is turned into what the model takes in. */
    public enum Projector {
        /** Images go to the model as message content; needs a multimodal model. */
        NATIVE,
        /** Media is captioned by an {@code image-to-text}/{@code audio-to-text} tool and inserted as text. */
        CAPTION,
        /**
         * A learned projector (ModaVerse / LLaVA style): pictures become soft tokens in the LLM's input
         * space and the whole prompt is sent as embeddings; needs {@code projectorSpec} and an
         * OpenAI-compatible server that takes {@code prompt_embeds} (vLLM).
         */
        LEARNED;

        /** The name used in configuration. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The projector named {@code value} in configuration (case-insensitive). */
        public static Projector fromConfig(String value) {
            return parseEnum(Projector.class, "llm.projector", value);
        }
    }

    /** Applies the defaults and refuses settings that cannot work. */
    public LlmConfig {
        if (provider == null) {
            provider = Provider.EMBEDDED;
        }
        if (baseUrl == null || baseUrl.isBlank()) {
            baseUrl = provider.defaultBaseUrl;
        } else {
            baseUrl = checkUrl(baseUrl.strip());
        }
        if (model != null && model.isBlank()) {
            model = null;
        }
        if (model == null && provider != Provider.EMBEDDED) {
            throw new InvalidLlmConfigException("llm.model is missing for llm.provider '" + provider.configName()
                    + "': name the model the server serves, e.g. model: gpt-4o-mini (openai) or model: llama3.2 (ollama)");
        }
        if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
            apiKeyEnv = null;
        }
        if (apiKeyEnv != null && !ENV_NAME.matcher(apiKeyEnv).matches()) {
            throw new InvalidLlmConfigException("llm.apiKeyEnv must be the NAME of an environment variable "
                    + "(letters, digits, '_'), such as OPENAI_API_KEY; the value given is not one and is not shown "
                    + "in case it is a key. Put the key in the environment variable instead");
        }
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidLlmConfigException("llm.timeout is " + timeout + "; it must be positive, e.g. 60s or PT60S");
        }
        if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
            throw new InvalidLlmConfigException("llm.maxRetries is " + maxRetries + "; allowed: 0 to " + MAX_RETRIES_LIMIT);
        }
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw new InvalidLlmConfigException("llm.temperature is " + temperature
                    + "; allowed: 0 to 2, or leave it out for the server's default");
        }
        if (projector == null) {
            projector = multimodal ? Projector.NATIVE : Projector.CAPTION;
        }
        if (videoFrames < 1 || videoFrames > 16) {
            throw new InvalidLlmConfigException("llm.videoFrames is " + videoFrames + "; allowed: 1 to 16 keyframes per video");
        }
        if (projector == Projector.LEARNED) {
            if (provider != Provider.OPENAI) {
                throw new InvalidLlmConfigException("llm.projector 'learned' sends prompt embeddings to an OpenAI-compatible "
                        + "completions API (vLLM with --enable-prompt-embeds); set llm.provider: openai");
            }
            if (projectorSpec == null || projectorSpec.isBlank()) {
                throw new InvalidLlmConfigException("llm.projector 'learned' needs llm.projectorSpec, the projector's spec file "
                        + "(see generators/projector/README.md)");
            }
            if (nativeToolCalls) {
                throw new InvalidLlmConfigException("llm.projector 'learned' uses the completions API, which has no function "
                        + "calling; set nativeToolCalls: false (the model writes <meta> blocks)");
            }
            multimodal = true;
        }
        if (projector == Projector.NATIVE && !multimodal) {
            throw new InvalidLlmConfigException("llm.projector is 'native' but llm.multimodal is false: a text-only "
                    + "model cannot take images as content; set multimodal: true or projector: caption");
        }
    }

    /**
     * Builds the record from the configuration file's values, as Jackson does for the {@code llm:}
     * section. {@code timeout} takes ISO-8601 ({@code PT30S}) or a short form ({@code 500ms},
     * {@code 30s}, {@code 2m}, {@code 1h}); a literal {@code apiKey} is refused.
     */
    @JsonCreator
    public static LlmConfig fromConfig(
            @JsonProperty("provider") String provider,
            @JsonProperty("baseUrl") String baseUrl,
            @JsonProperty("model") String model,
            @JsonProperty("apiKeyEnv") String apiKeyEnv,
            @JsonProperty("apiKey") String apiKey,
            @JsonProperty("timeout") String timeout,
            @JsonProperty("maxRetries") Integer maxRetries,
            @JsonProperty("temperature") Double temperature,
            @JsonProperty("nativeToolCalls") Boolean nativeToolCalls,
            @JsonProperty("multimodal") Boolean multimodal,
            @JsonProperty("projector") String projector,
            @JsonProperty("videoFrames") Integer videoFrames,
            @JsonProperty("audioInput") Boolean audioInput,
            @JsonProperty("projectorSpec") String projectorSpec) {
        if (apiKey != null) {
            throw new InvalidLlmConfigException("llm.apiKey is not accepted: an API key does not belong in a "
                    + "configuration file (its value is not shown). Put it in an environment variable and name "
                    + "that variable with llm.apiKeyEnv, e.g. apiKeyEnv: OPENAI_API_KEY");
        }
        return new LlmConfig(
                provider == null ? null : Provider.fromConfig(provider),
                baseUrl,
                model,
                apiKeyEnv,
                timeout == null ? null : parseDuration("llm.timeout", timeout),
                maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries,
                temperature,
                Boolean.TRUE.equals(nativeToolCalls),
                Boolean.TRUE.equals(multimodal),
                projector == null ? null : Projector.fromConfig(projector),
                videoFrames == null ? DEFAULT_VIDEO_FRAMES : videoFrames,
                Boolean.TRUE.equals(audioInput),
                projectorSpec);
    }

    /** The offline default: the application's embedded planner. */
    public static LlmConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.provider = provider;
        builder.baseUrl = baseUrl;
        builder.model = model;
        builder.apiKeyEnv = apiKeyEnv;
        builder.timeout = timeout;
        builder.maxRetries = maxRetries;
        builder.temperature = temperature;
        builder.nativeToolCalls = nativeToolCalls;
        builder.multimodal = multimodal;
        builder.projector = projector;
        builder.videoFrames = videoFrames;
        builder.audioInput = audioInput;
        builder.projectorSpec = projectorSpec;
        return builder;
    }

    /** Reads {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT30S}). */
    static Duration parseDuration(String key, String value) {
        String trimmed = value.strip();
        Matcher shortForm = SHORT_DURATION.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw new InvalidLlmConfigException(key + " is '" + value
                    + "'; write a duration such as 500ms, 30s, 2m, 1h or ISO-8601 PT30S");
        }
    }

    private static String checkUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new InvalidLlmConfigException("llm.baseUrl is '" + url
                + "'; it must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/v1");
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String value) {
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        if (value != null) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value.strip())) {
                    return constant;
                }
            }
        }
        throw new InvalidLlmConfigException(key + " is '" + value + "'; allowed: " + allowed);
    }

    /** Builder of an {@link LlmConfig}; unset values take the defaults of the record. */
    public static final class Builder {
        private Provider provider;
        private String baseUrl;
        private String model;
        private String apiKeyEnv;
        private Duration timeout;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Double temperature;
        private boolean nativeToolCalls;
        private boolean multimodal;
        private Projector projector;
        private int videoFrames = DEFAULT_VIDEO_FRAMES;
        private boolean audioInput;
        private String projectorSpec;

        private Builder() {
        }

        /** See {@link LlmConfig#provider()}. */
        public Builder provider(Provider provider) {
            this.provider = provider;
            return this;
        }

        /** See {@link LlmConfig#baseUrl()}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** See {@link LlmConfig#model()}. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** See {@link LlmConfig#apiKeyEnv()}. */
        public Builder apiKeyEnv(String apiKeyEnv) {
            this.apiKeyEnv = apiKeyEnv;
            return this;
        }

        /** See {@link LlmConfig#timeout()}. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** See {@link LlmConfig#maxRetries()}. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** See {@link LlmConfig#temperature()}. */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** See {@link LlmConfig#nativeToolCalls()}. */
        public Builder nativeToolCalls(boolean nativeToolCalls) {
            this.nativeToolCalls = nativeToolCalls;
            return this;
        }

        /** See {@link LlmConfig#multimodal()}. */
        public Builder multimodal(boolean multimodal) {
            this.multimodal = multimodal;
            return this;
        }

        /** See {@link LlmConfig#videoFrames()}. */
        public Builder videoFrames(int videoFrames) {
            this.videoFrames = videoFrames;
            return this;
        }

        /** See {@link LlmConfig#projectorSpec()}. */
        public Builder projectorSpec(String projectorSpec) {
            this.projectorSpec = projectorSpec;
            return this;
        }

        /** See {@link LlmConfig#audioInput()}. */
        public Builder audioInput(boolean audioInput) {
            this.audioInput = audioInput;
            return this;
        }

        /** See {@link LlmConfig#projector()}. */
        public Builder projector(Projector projector) {
            this.projector = projector;
            return this;
        }

        /** The validated configuration. @throws InvalidLlmConfigException naming the bad key */
        public LlmConfig build() {
            return new LlmConfig(provider, baseUrl, model, apiKeyEnv, timeout, maxRetries, temperature,
                    nativeToolCalls, multimodal, projector, videoFrames, audioInput, projectorSpec);
        }
    }
}
