package dev.modaweave.projector;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns pictures and text into the LLM's input embeddings, as ModaVerse and LLaVA do: a picture goes
 * through the image encoder and the projector MLP and becomes {@code softTokens} rows; text is
 * tokenized with the LLM's tokenizer and looked up in its embedding table. The rows of a whole
 * prompt are sent to a server that takes prompt embeddings (vLLM). Components are loaded once; calls
 * are serialised (the models are small next to the LLM call they feed). Runs on the CPU.
 */
public final class SoftPromptProjector implements AutoCloseable {

    private final ProjectorSpec spec;
    private final NDManager manager;
    private final ZooModel<NDList, NDList> encoder;
    private final ZooModel<NDList, NDList> embeddings;
    private final HuggingFaceTokenizer tokenizer;
    private final SequentialBlock mlp;

    private SoftPromptProjector(ProjectorSpec spec, boolean withMlp) {
        this.spec = spec;
        this.manager = NDManager.newBaseManager();
        try {
            this.encoder = torchScript(spec.encoder());
            this.embeddings = torchScript(spec.embeddings());
            this.tokenizer = HuggingFaceTokenizer.newInstance(spec.tokenizer(), Map.of("addSpecialTokens", "false"));
        } catch (IOException e) {
            manager.close();
            throw new IllegalArgumentException("cannot load the tokenizer in " + spec.tokenizer() + ": " + e.getMessage()
                    + "; it needs a tokenizer.json (vocab.json + merges.txt alone are not enough)", e);
        }
        this.mlp = ProjectorMlp.block(spec);
        ProjectorMlp.initialize(mlp, manager, spec);
        if (withMlp) {
            ProjectorMlp.load(mlp, manager, spec);
        }
    }

    /** Loads every component of {@code spec}, the projector's trained weights included. */
    public static SoftPromptProjector load(ProjectorSpec spec) {
        return new SoftPromptProjector(spec, true);
    }

    /** Loads the encoder, tokenizer and embedding table, for training a projector that has no weights yet. */
    static SoftPromptProjector forTraining(ProjectorSpec spec) {
        return new SoftPromptProjector(spec, false);
    }

    public ProjectorSpec spec() {
        return spec;
    }

    SequentialBlock mlp() {
        return mlp;
    }

    private static ZooModel<NDList, NDList> torchScript(Path file) {
        try {
            return Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(file).optEngine("PyTorch").optTranslator(new NoopTranslator())
                    .build().loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load the TorchScript file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The encoder's embedding of a picture (resized to the spec's square, normalised). */
    public synchronized float[] encode(BufferedImage picture) {
        int size = spec.imageSize();
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        var g = scaled.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(picture.getScaledInstance(size, size, Image.SCALE_SMOOTH), 0, 0, null);
        g.dispose();
        float[] pixels = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = scaled.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int v = (rgb >> (16 - 8 * c)) & 0xFF;
                    pixels[c * size * size + y * size + x] = (v / 255f - spec.mean()[c]) / spec.std()[c];
                }
            }
        }
        return encodePixels(pixels);
    }

    /** The encoder's embedding of already normalised pixels {@code [3, size, size]}, channel-major. */
    synchronized float[] encodePixels(float[] pixels) {
        int size = spec.imageSize();
        try (NDManager scope = manager.newSubManager(); Predictor<NDList, NDList> p = encoder.newPredictor()) {
            NDArray input = scope.create(pixels, new Shape(1, 3, size, size));
            float[] out = p.predict(new NDList(input)).singletonOrThrow().toFloatArray();
            if (out.length != spec.embeddingSize()) {
                throw new IllegalArgumentException("the encoder gives " + out.length + " values, the spec says embeddingSize "
                        + spec.embeddingSize());
            }
            return out;
        } catch (TranslateException e) {
            throw new IllegalStateException("the image encoder failed: " + e.getMessage(), e);
        }
    }

    /** What a picture becomes in the LLM's input space: {@code softTokens} rows of {@code hiddenSize}. */
    public synchronized float[][] project(float[] embedding) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = scope.create(embedding, new Shape(1, embedding.length));
            NDArray out = mlp.forward(new ParameterStore(scope, false), new NDList(in), false).singletonOrThrow();
            return rows(out.toFloatArray(), spec.softTokens(), spec.hiddenSize());
        }
    }

    /** The token ids of {@code text} (no special tokens added). */
    public long[] tokenize(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** The LLM's input embeddings of {@code text}, one row per token. */
    public synchronized float[][] embedText(String text) {
        long[] ids = tokenize(text);
        if (ids.length == 0) {
            return new float[0][spec.hiddenSize()];
        }
        try (NDManager scope = manager.newSubManager(); Predictor<NDList, NDList> p = embeddings.newPredictor()) {
            float[] out = p.predict(new NDList(scope.create(ids))).singletonOrThrow().toFloatArray();
            return rows(out, ids.length, spec.hiddenSize());
        } catch (TranslateException e) {
            throw new IllegalStateException("the embedding table failed: " + e.getMessage(), e);
        }
    }

    /** A piece of a prompt: text, or a picture. */
    public sealed interface Part permits Text, Picture {
    }

    /** Text of a prompt, template markers included. */
    public record Text(String text) implements Part {
    }

    /** A picture of a prompt. */
    public record Picture(BufferedImage image) implements Part {
    }

    /** The embeddings of a whole prompt, its parts in order. */
    public float[][] prompt(List<Part> parts) {
        List<float[]> rows = new ArrayList<>();
        for (Part part : parts) {
            float[][] piece = part instanceof Text t ? embedText(t.text()) : project(encode(((Picture) part).image()));
            rows.addAll(List.of(piece));
        }
        return rows.toArray(new float[0][]);
    }

    private static float[][] rows(float[] flat, int rows, int columns) {
        if (flat.length != rows * columns) {
            throw new IllegalArgumentException("expected " + rows + "×" + columns + " values, got " + flat.length);
        }
        float[][] out = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * columns, out[r], 0, columns);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
        encoder.close();
        embeddings.close();
        manager.close();
    }
}
