package dev.modaweave.generators.media;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolTimeoutException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an external program that writes its media into a file: arguments are passed as a list
 * (never through a shell), standard input is fed by the caller, the process is killed when the
 * time limit passes or the call is cancelled, and a failure quotes the end of its error output.
 */
public final class ExternalProcess {

    /** Writes the program's standard input; runs on the calling thread, so it may report progress. */
    @FunctionalInterface
    public interface StdinWriter {
        void write(OutputStream stdin) throws IOException;
    }

    /** What a run left behind. */
    public record Outcome(int exitCode, byte[] output, String errorTail) {
    }

    private ExternalProcess() {
    }

    /**
     * Runs {@code command}, feeds it through {@code stdin}, waits for it, and reads {@code output}.
     *
     * @param program      the program's short name, for messages
     * @param output       the file the program writes; read after it exits, then deleted
     * @throws ToolCancelledException when {@code cancellation} fired (the process is killed)
     * @throws ToolTimeoutException   when it ran past {@code timeout} (the process is killed)
     */
    public static Outcome run(String program, List<String> command, Path output, StdinWriter stdin,
                              Duration timeout, Cancellation cancellation) {
        return run(program, command, output, false, stdin, timeout, cancellation);
    }

    /**
     * Runs {@code command} like {@link #run(String, List, Path, StdinWriter, Duration, Cancellation)}, for a
     * program that prints its result: {@link Outcome#output()} is what it wrote to standard output.
     */
    public static Outcome runPrinting(String program, List<String> command, StdinWriter stdin,
                                      Duration timeout, Cancellation cancellation) {
        Path output;
        try {
            output = Files.createTempFile("modaweave-" + program, ".out");
        } catch (IOException e) {
            throw new NonRetriableToolException("cannot create a temporary file for " + program + "'s output: " + e.getMessage(), e);
        }
        return run(program, command, output, true, stdin, timeout, cancellation);
    }

    private static Outcome run(String program, List<String> command, Path output, boolean outputIsStdout, StdinWriter stdin,
                               Duration timeout, Cancellation cancellation) {
        cancellation.throwIfCancelled();
        Path errors = null;
        Process process = null;
        try {
            errors = Files.createTempFile("modaweave-" + program, ".err");
            process = new ProcessBuilder(command)
                    .redirectOutput(outputIsStdout ? ProcessBuilder.Redirect.to(output.toFile()) : ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errors.toFile())
                    .start();
            Process started = process;
            AtomicBoolean timedOut = new AtomicBoolean();
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (started.isAlive()) {
                    timedOut.set(true);
                    started.destroyForcibly();
                }
            });
            cancellation.onCancel(started::destroyForcibly);
            try (OutputStream in = started.getOutputStream()) {
                stdin.write(in);
            } catch (IOException brokenPipe) {
                // the process died or was killed while we were writing; its exit status says why
            }
            int exit = started.waitFor();
            cancellation.throwIfCancelled();
            if (timedOut.get()) {
                throw new ToolTimeoutException(program + " did not finish within " + timeout.toMillis()
                        + " ms and was stopped; shorten the input or raise the time limit");
            }
            String tail = tail(errors);
            byte[] bytes = exit == 0 && Files.exists(output) ? Files.readAllBytes(output) : new byte[0];
            return new Outcome(exit, bytes, tail);
        } catch (IOException e) {
            throw new NonRetriableToolException("could not run " + program + " (" + command.get(0) + "): "
                    + e.getMessage() + "; check that it is installed and executable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolCancelledException(program + " was interrupted", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteQuietly(errors);
            deleteQuietly(output);
        }
    }

    private static String tail(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int from = Math.max(0, all.length - 400);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8).strip();
    }

    /** Deletes a temporary file, ignoring failure (it lives under the temp directory anyway). */
    public static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover file under the temp directory does no harm; the result matters more
        }
    }
}
