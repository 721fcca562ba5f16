package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.EspeakEngine;
import dev.modaweave.generators.local.internal.FreeTtsEngine;
import dev.modaweave.generators.local.internal.SpeechEngine;
import dev.modaweave.generators.media.Executables;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.ToolSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code backend: local-speech}: a {@link LocalSpeechTool} with chosen settings, beside the
 * {@code local-tts} one every installation has. Keys: {@code name} (default {@code local-speech}),
 * {@code engine} ({@code auto}, the default: espeak-ng when on the {@code PATH}, else FreeTTS;
 * {@code espeak}; {@code freetts}), {@code executable} (the espeak-ng program; relative to the
 * configuration file's directory) and {@code timeoutSeconds} (espeak-ng is killed after it, default 60).
 */
public final class LocalSpeechToolFactory implements GeneratorToolFactory {

    private static final Set<String> KEYS = Set.of("backend", "name", "engine", "executable", "timeoutSeconds");

    @Override
    public String kind() {
        return "local-speech";
    }

    @Override
    public String description() {
        return "Speech on this machine with espeak-ng or FreeTTS (engine, executable, timeoutSeconds).";
    }

    @Override
    public GeneratorTool create(ToolSettings settings) {
        settings.requireOnly(KEYS);
        String name = settings.name().orElse("local-speech");
        Duration timeout = Duration.ofSeconds(timeoutSeconds(settings));
        String engine = settings.text("engine").orElse("auto");
        SpeechEngine chosen = switch (engine) {
            case "freetts" -> new FreeTtsEngine();
            case "espeak" -> new EspeakEngine(espeak(settings).orElseThrow(() -> new IllegalArgumentException(
                    "backend 'local-speech': engine 'espeak' needs espeak-ng on the PATH (Debian package espeak-ng) or 'executable'")),
                    timeout);
            case "auto" -> espeak(settings).<SpeechEngine>map(path -> new EspeakEngine(path, timeout)).orElseGet(FreeTtsEngine::new);
            default -> throw new IllegalArgumentException("backend 'local-speech': engine is '" + engine
                    + "'; use auto, espeak or freetts");
        };
        return new LocalSpeechTool(chosen, name);
    }

    private static Optional<Path> espeak(ToolSettings settings) {
        Optional<Path> configured = settings.path("executable");
        if (configured.isPresent()) {
            return configured;
        }
        return Executables.find("espeak-ng");
    }

    private static long timeoutSeconds(ToolSettings settings) {
        String text = settings.text("timeoutSeconds").orElse("60");
        try {
            long seconds = Long.parseLong(text);
            if (seconds >= 1 && seconds <= 3600) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("backend 'local-speech': timeoutSeconds is '" + text + "'; use 1 to 3600");
    }
}
