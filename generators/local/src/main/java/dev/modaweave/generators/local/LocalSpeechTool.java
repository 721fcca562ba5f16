package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.local.internal.EspeakEngine;
import dev.modaweave.generators.media.Executables;
import dev.modaweave.generators.local.internal.FreeTtsEngine;
import dev.modaweave.generators.local.internal.SpeechEngine;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * {@code local-tts}: text-to-speech on this machine, with {@code espeak-ng} when it is on the
 * {@code PATH} (many languages and voices) and otherwise FreeTTS in the JVM (English, voice
 * kevin16). Real speech, not a preview.
 */
public final class LocalSpeechTool implements GeneratorTool {

    /** The tool's name. */
    public static final String NAME = "local-tts";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectNode SCHEMA = (ObjectNode) Json.parse("""
            {"type":"object","required":["text"],"additionalProperties":false,
             "properties":{
               "text":{"type":"string","minLength":1,"maxLength":5000,"description":"what to say"},
               "voice":{"type":"string","pattern":"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}(\\\\+[a-z0-9]{1,12})?$",
                        "description":"espeak-ng voice such as en-us, en-gb, de, fr, en-us+f3; English only without espeak-ng"},
               "rate":{"type":"integer","minimum":80,"maximum":450,"default":175,"description":"words per minute"},
               "pitch":{"type":"integer","minimum":0,"maximum":99,"default":50}}}""");

    private final SpeechEngine engine;
    private final ToolDescriptor descriptor;
    private final ArgumentsSchema schema;

    /** espeak-ng from the {@code PATH} when there is one, else FreeTTS. */
    public LocalSpeechTool() {
        this(Executables.find("espeak-ng")
                .<SpeechEngine>map(path -> new EspeakEngine(path, DEFAULT_TIMEOUT))
                .orElseGet(FreeTtsEngine::new));
    }

    /** Always FreeTTS, even where espeak-ng is installed: pure Java, English only. */
    public static LocalSpeechTool freeTts() {
        return new LocalSpeechTool(new FreeTtsEngine());
    }

    /** espeak-ng at {@code executable}, killed after {@code timeout}. */
    public static LocalSpeechTool espeak(Path executable, Duration timeout) {
        return new LocalSpeechTool(new EspeakEngine(executable, timeout));
    }

    LocalSpeechTool(SpeechEngine engine) {
        this(engine, NAME);
    }

    LocalSpeechTool(SpeechEngine engine, String name) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.schema = ArgumentsSchema.compile(name, SCHEMA);
        this.descriptor = ToolDescriptor.builder()
                .name(name)
                .task(Tasks.TEXT_TO_SPEECH)
                .inputModalities(Modality.TEXT)
                .outputModality(Modality.AUDIO)
                .argumentsSchema(SCHEMA)
                .description("Speaks text aloud as a WAV file with " + engine.name()
                        + " on this machine; choose voice (language) and rate.")
                .example((ObjectNode) Json.parse("{\"text\":\"Hello! Here is the picture you asked for.\",\"voice\":\"en-us\",\"rate\":170}"))
                .capacity(engine.capacity())
                .build();
    }

    /** The engine in use: {@code espeak-ng} or {@code freetts}. */
    public String engine() {
        return engine.name();
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        schema.requireValid(request.arguments());
        request.cancellation().throwIfCancelled();
        ObjectNode args = request.arguments();
        String voice = args.hasNonNull("voice") ? args.get("voice").asText() : null;
        var speech = engine.speak(args.get("text").asText(), voice, args.path("rate").asInt(175),
                args.path("pitch").asInt(50), request.cancellation(), progress);
        MediaTypes.requireMatches(speech.wav(), "audio/wav");
        progress.progress(1, "spoken");
        return new GenerationResult(speech.wav(), "audio/wav", attributes(speech));
    }

    private Map<String, Object> attributes(SpeechEngine.Speech speech) {
        try (var in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(speech.wav()))) {
            AudioFormat format = in.getFormat();
            long frames = in.getFrameLength();
            return Map.of("engine", engine.name(), "voice", speech.voice(),
                    "sampleRate", Math.round(format.getSampleRate()),
                    "durationMs", Math.max(1, Math.round(frames * 1000.0 / format.getSampleRate())));
        } catch (UnsupportedAudioFileException | IOException e) {
            throw new InvalidMediaException(engine.name() + " wrote a WAV file the JDK cannot read: " + e.getMessage(), e);
        }
    }
}
