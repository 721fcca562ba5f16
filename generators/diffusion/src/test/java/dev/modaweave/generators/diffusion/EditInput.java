package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The 32x32 gradient picture the image-edit tests start from, as an uploaded artifact. */
final class EditInput {

    static final String ID = "art_" + "b".repeat(26);

    private EditInput() {
    }

    static GenerationRequest.InputArtifact artifact() {
        try {
            byte[] bytes = Files.readAllBytes(TinyFixtures.dir().resolve("references/edit-input.png"));
            Artifact artifact = new Artifact(ID, "image/png", bytes.length, "0".repeat(64), Map.of(), "upload",
                    Json.object(), List.of(), Instant.EPOCH);
            return new GenerationRequest.InputArtifact(artifact, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
