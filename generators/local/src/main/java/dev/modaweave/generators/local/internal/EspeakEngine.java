package dev.modaweave.generators.local.internal;

import dev.modaweave.generators.media.ExternalProcess;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Speech from the {@code espeak-ng} program. The text goes to its standard input (never onto a
 * command line or through a shell), the voice, rate and pitch are single arguments that the
 * tool's schema has already restricted, and the WAV is written to a temporary file.
 */
public final class EspeakEngine implements SpeechEngine {

    private static final String DEFAULT_VOICE = "en-us";

    private final Path executable;
    private final Duration timeout;

    public EspeakEngine(Path executable, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String name() {
        return "espeak-ng";
    }

    @Override
    public int capacity() {
        return 2;
    }

    @Override
    public Speech speak(String text, String voice, int rate, int pitch, Cancellation cancellation, ProgressListener progress) {
        String chosen = voice == null ? DEFAULT_VOICE : voice;
        Path output;
        try {
            output = Files.createTempFile("modaweave-speech", ".wav");
        } catch (IOException e) {
            throw new NonRetriableToolException("cannot create a temporary file for espeak-ng's output: " + e.getMessage(), e);
        }
        List<String> command = List.of(executable.toString(), "-b", "1", "--stdin",
                "-v", chosen, "-s", Integer.toString(rate), "-p", Integer.toString(pitch), "-w", output.toString());
        var outcome = ExternalProcess.run("espeak-ng", command, output, stdin -> {
            progress.progress(0.1, "espeak-ng started");
            cancellation.throwIfCancelled();
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        }, timeout, cancellation);
        if (outcome.exitCode() != 0 && outcome.errorTail().contains("voice does not exist")) {
            throw new InvalidArgumentsException("arguments for 'local-tts' are invalid: espeak-ng has no voice '" + chosen
                    + "'; list the installed ones with: espeak-ng --voices");
        }
        if (outcome.exitCode() != 0 || outcome.output().length == 0) {
            throw new NonRetriableToolException("espeak-ng failed with exit code " + outcome.exitCode() + ": "
                    + outcome.errorTail());
        }
        return new Speech(outcome.output(), chosen);
    }
}
