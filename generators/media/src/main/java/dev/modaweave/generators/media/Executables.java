package dev.modaweave.generators.media;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds external programs (espeak-ng, ffmpeg) on the {@code PATH}, without running a shell. */
public final class Executables {

    private Executables() {
    }

    /** The first executable file called {@code name} in a {@code PATH} directory, or empty. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
