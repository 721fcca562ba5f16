package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.contract.GeneratorToolContract;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The shared tool contract as the local tools pass it, given as data: the tool, arguments it must
 * accept and arguments it must refuse (JSON text). Every one of them gives the same bytes for the
 * same arguments; the slow ones (speech, video) can also be cancelled while they generate. Tools that
 * read an input artifact get it from {@link #input(byte[], String)}, always with the id {@link #ID}.
 */
abstract class LocalToolContract extends GeneratorToolContract {

    /** The id of every input artifact these tests hand to a tool. */
    static final String ID = "art_abcdefghijklmnopqrstuvwxyz";

    private final boolean cancellable;
    private final Supplier<GeneratorTool> tool;
    private final String valid;
    private final List<String> invalid;

    /**
     * @param cancellable whether a cancellation arriving during generation must stop it
     * @param tool        makes the tool (once per test class)
     * @param valid       arguments the tool must accept
     * @param invalid     arguments it must refuse, at least one
     */
    LocalToolContract(boolean cancellable, Supplier<GeneratorTool> tool, String valid, String... invalid) {
        this.cancellable = cancellable;
        this.tool = tool;
        this.valid = valid;
        this.invalid = List.of(invalid);
    }

    @Override
    protected GeneratorTool createTool() {
        return tool.get();
    }

    @Override
    protected ObjectNode validArguments() {
        return args(valid);
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return invalid.stream().map(GeneratorToolContract::args).toList();
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
