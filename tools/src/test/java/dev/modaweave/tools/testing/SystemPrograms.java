package dev.modaweave.tools.testing;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the system programs a test needs (espeak-ng, ffmpeg, chromium, chromedriver…) on the
 * {@code PATH} and decides what a missing one means: on a developer's machine the test is skipped
 * with a message naming the Debian package that provides the program, so {@code mvn verify} passes
 * with only a JDK and Maven; when the environment variable {@code CI} is {@code true} the program
 * is required and the test fails with the same message, so a build server cannot skip it silently.
 * Each skip is also printed on standard output, where the Maven log shows it beside the test counts.
 *
 * <pre>{@code
 * Path espeak = SystemPrograms.require("espeak-ng", "espeak-ng");
 * }</pre>
 *
 * <p>{@link RequiresProgram} applies the same rule to a whole class or method before any of its
 * set-up runs.
 */
public final class SystemPrograms {

    /** The environment variable that makes missing programs a failure. */
    public static final String CI_VARIABLE = "CI";

    private SystemPrograms() {
    }

    /** The first executable file called {@code program} in a {@code PATH} directory, or empty. */
    public static Optional<Path> find(String program) {
        return find(program, System.getenv());
    }

    static Optional<Path> find(String program, Map<String, String> environment) {
        String path = environment.get("PATH");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether this run must have every program ({@code CI=true}), rather than skip what is missing. */
    public static boolean required() {
        return required(System.getenv());
    }

    static boolean required(Map<String, String> environment) {
        String ci = environment.get(CI_VARIABLE);
        return ci != null && ci.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    /**
     * The path of {@code program}; when it is missing, aborts the calling test (a skip) or, with
     * {@code CI=true}, fails it, in both cases with a message naming {@code debianPackage}.
     */
    public static Path require(String program, String debianPackage) {
        return require(program, debianPackage, System.getenv());
    }

    static Path require(String program, String debianPackage, Map<String, String> environment) {
        Optional<Path> found = find(program, environment);
        if (found.isPresent()) {
            return found.get();
        }
        String message = missingMessage(program, debianPackage);
        if (required(environment)) {
            throw new AssertionFailedError(message + " (required because " + CI_VARIABLE + "=true)");
        }
        reportSkip(callerDescription(), message);
        throw new TestAbortedException(message);
    }

    /** The words of a skip or failure for a missing program: what is missing and the one line that installs it. */
    public static String missingMessage(String program, String debianPackage) {
        return program + " is not installed (not found on PATH); install it with: apt-get install -y " + debianPackage;
    }

    static void reportSkip(String what, String message) {
        System.out.println("[SKIPPED] " + what + ": " + message);
        System.out.flush();
    }

    private static String callerDescription() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(SystemPrograms.class.getName()) && !f.getMethodName().startsWith("lambda$")
                        && !f.getClassName().startsWith("org.assertj.") && !f.getClassName().startsWith("java."))
                .findFirst()
                .map(f -> simpleName(f.getClassName()) + "." + f.getMethodName())
                .orElse("a test"));
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
