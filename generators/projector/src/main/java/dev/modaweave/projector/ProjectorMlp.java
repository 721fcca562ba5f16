package dev.modaweave.projector;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.MalformedModelException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The projector itself, LLaVA-1.5's two-layer MLP: {@code Linear(embeddingSize → projectorHidden)},
 * GELU, {@code Linear(projectorHidden → softTokens × hiddenSize)}; its output, read as
 * {@code softTokens} rows, is what a picture becomes in the LLM's input space.
 */
public final class ProjectorMlp {

    private ProjectorMlp() {
    }

    /** A fresh, uninitialised block of the spec's shape. */
    public static SequentialBlock block(ProjectorSpec spec) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(spec.projectorHidden()).build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits((long) spec.softTokens() * spec.hiddenSize()).build());
    }

    /** Initialises {@code block} for inputs of {@code [batch, embeddingSize]}. */
    public static void initialize(Block block, NDManager manager, ProjectorSpec spec) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, spec.embeddingSize()));
    }

    /**
     * Loads the weights a {@link ProjectorTrainer} saved into an initialised block.
     *
     * @throws IllegalArgumentException when the file is missing or its shapes do not fit the spec
     */
    public static void load(Block block, NDManager manager, ProjectorSpec spec) {
        Path file = spec.projector();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the projector weights " + file + " do not exist; train them with "
                    + "`modaweave projector train --spec SPEC --data DIR`");
        }
        try (var in = new DataInputStream(Files.newInputStream(file))) {
            block.loadParameters(manager, in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new IllegalArgumentException("the projector weights " + file + " do not fit a " + spec.embeddingSize() + " → "
                    + spec.projectorHidden() + " → " + spec.softTokens() + "×" + spec.hiddenSize() + " MLP: " + e.getMessage(), e);
        }
    }

    /** Writes the weights of {@code block} to {@code file}. */
    public static void save(Block block, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
        try (var out = new DataOutputStream(Files.newOutputStream(partial))) {
            block.saveParameters(out);
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
