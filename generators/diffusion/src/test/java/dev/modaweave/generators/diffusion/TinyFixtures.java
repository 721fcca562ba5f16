package dev.modaweave.generators.diffusion;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the tiny random-weight pipelines made by scripts/make_tiny_pipelines.py live on the test class path. */
final class TinyFixtures {

    private TinyFixtures() {
    }

    static Path dir() {
        try {
            return Path.of(TinyFixtures.class.getResource("/tiny/sd-tiny.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path spec(String file) {
        return dir().resolve(file);
    }
}
