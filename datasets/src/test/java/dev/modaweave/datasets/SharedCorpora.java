package dev.modaweave.datasets;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared caption corpora ({@code shared/datasets/captions} beside the project, or beside one of
 * its parent directories) and the
 * Python interpreter the loader script runs with. Tests that need them skip when they are absent,
 * and fail when {@code CI=true}, where both are provided.
 */
final class SharedCorpora {
    private SharedCorpora() {
    }

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** The corpora directory; skips (or fails under CI) when it is not there. */
    static Path captions() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("datasets").resolve("pom.xml"))) {
            root = root.getParent();
        }
        Path dir = null;
        for (Path p = root == null ? null : root.getParent(); p != null && dir == null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("datasets").resolve("captions");
            if (Files.isRegularFile(candidate.resolve("image.jsonl"))) {
                dir = candidate;
            }
        }
        boolean present = dir != null;
        if (!present && ci()) {
            throw new AssertionError("the shared caption corpora are required when CI=true: expected "
                    + "../shared/datasets/captions beside the project");
        }
        Assumptions.assumeTrue(present, "the shared caption corpora (../shared/datasets/captions) are not beside the project");
        return dir;
    }

    /** {@code /usr/bin/python3}; skips (or fails under CI) when it is missing. */
    static Path python() {
        Path python = Path.of("/usr/bin/python3");
        boolean present = Files.isExecutable(python);
        if (!present && ci()) {
            throw new AssertionError("python3 is required when CI=true; install the Debian package python3");
        }
        Assumptions.assumeTrue(present, "python3 is not installed (Debian package python3): the Python loader check is skipped");
        return python;
    }

    /** The committed loader script. */
    static Path loaderScript() {
        return Path.of("src", "test", "python", "check_exports.py").toAbsolutePath();
    }
}
