package dev.modaweave.generators.media;

import dev.modaweave.tools.VideoFrames;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds external programs (espeak-ng, ffmpeg) on the {@code PATH}, without running a shell. The
 * lookup itself is {@link VideoFrames#executable(String)} in the tools module, which reads video
 * frames with ffmpeg below this module; this is its name for the generators.
 */
public final class Executables {

    private Executables() {
    }

    /** The first executable file called {@code name} in a {@code PATH} directory, or empty. */
    public static Optional<Path> find(String name) {
        return VideoFrames.executable(name);
    }
}
