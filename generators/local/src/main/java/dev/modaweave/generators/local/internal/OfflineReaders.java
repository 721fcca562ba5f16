package dev.modaweave.generators.local.internal;

import dev.modaweave.generators.media.Executables;
import dev.modaweave.generators.media.ExternalProcess;
import dev.modaweave.tools.Cancellation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The offline readers the describers use when they are installed: {@code tesseract} (Debian package
 * {@code tesseract-ocr}) for text in pictures, {@code pocketsphinx_continuous} (Debian packages
 * {@code pocketsphinx} and {@code pocketsphinx-en-us}) for English speech in recordings. Each is
 * run with an argument list, its input on standard input, a time limit and the call's cancellation.
 */
public final class OfflineReaders {

    /** The OCR program's name on the {@code PATH}. */
    public static final String TESSERACT = "tesseract";
    /** The speech recogniser's name on the {@code PATH}. */
    public static final String POCKETSPHINX = "pocketsphinx_continuous";

    private static final Duration TIME_LIMIT = Duration.ofSeconds(60);

    private OfflineReaders() {
    }

    /** Whether {@code tesseract} is installed. */
    public static boolean canReadText() {
        return Executables.find(TESSERACT).isPresent();
    }

    /** Whether {@code pocketsphinx_continuous} is installed. */
    public static boolean canTranscribe() {
        return Executables.find(POCKETSPHINX).isPresent();
    }

    /**
     * The text tesseract reads in a PNG, whitespace folded; empty when it is not installed or reads
     * nothing.
     */
    public static Optional<String> readText(byte[] png, Cancellation cancellation) {
        Optional<java.nio.file.Path> program = Executables.find(TESSERACT);
        if (program.isEmpty()) {
            return Optional.empty();
        }
        var outcome = ExternalProcess.runPrinting(TESSERACT, List.of(program.get().toString(), "stdin", "stdout", "--psm", "3"),
                in -> in.write(png), TIME_LIMIT, cancellation);
        return fold(outcome);
    }

    /**
     * The words pocketsphinx hears in 16 kHz mono 16-bit PCM; empty when it is not installed or
     * hears nothing.
     */
    public static Optional<String> transcribe(byte[] mono16k, Cancellation cancellation) {
        Optional<java.nio.file.Path> program = Executables.find(POCKETSPHINX);
        if (program.isEmpty() || mono16k.length == 0) {
            return Optional.empty();
        }
        var outcome = ExternalProcess.runPrinting(POCKETSPHINX,
                List.of(program.get().toString(), "-infile", "/dev/stdin", "-logfn", "/dev/null"),
                in -> in.write(mono16k), TIME_LIMIT, cancellation);
        return fold(outcome);
    }

    private static Optional<String> fold(ExternalProcess.Outcome outcome) {
        if (outcome.exitCode() != 0) {
            return Optional.empty();
        }
        String text = new String(outcome.output(), StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
