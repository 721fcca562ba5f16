package dev.modaweave.generators.local;

import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.contract.GeneratorToolContract;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The shared tool contract as the local tools pass it: every one of them gives the same bytes for the
 * same arguments; the slow ones (speech, video) can also be cancelled while they generate. Tools that
 * read an input artifact get it from {@link #input(byte[], String)}, always with the id {@link #ID}.
 */
abstract class LocalToolContract extends GeneratorToolContract {

    /** The id of every input artifact these tests hand to a tool. */
    static final String ID = "art_abcdefghijklmnopqrstuvwxyz";

    private final boolean cancellable;

    /** @param cancellable whether a cancellation arriving during generation must stop it */
    LocalToolContract(boolean cancellable) {
        this.cancellable = cancellable;
    }

    @Override
    protected final boolean deterministic() {
        return true;
    }

    @Override
    protected final boolean cancellableDuringGeneration() {
        return cancellable;
    }

    /** An uploaded input artifact with id {@link #ID} holding {@code bytes} of type {@code mimeType}. */
    static GenerationRequest.InputArtifact input(byte[] bytes, String mimeType) {
        var artifact = new Artifact(ID, mimeType, bytes.length, "0".repeat(64), Map.of(), "upload", Json.object(), List.of(), Instant.EPOCH);
        return new GenerationRequest.InputArtifact(artifact, bytes);
    }
}
