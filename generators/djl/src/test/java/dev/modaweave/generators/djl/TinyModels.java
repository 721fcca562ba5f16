package dev.modaweave.generators.djl;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tiny TorchScript generators made by {@code scripts/make_tiny_models.py}, as test resources. */
final class TinyModels {

    private TinyModels() {
    }

    static Path spec(String name) {
        try {
            return Path.of(TinyModels.class.getResource("/tiny/" + name + ".json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
