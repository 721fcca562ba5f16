package dev.modaweave.projector;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains the projector MLP with DJL on (picture, caption) pairs: the input is the image encoder's
 * embedding of the picture, the target is the caption in the LLM's input space, its token embeddings
 * pooled into {@code softTokens} rows (the tokens split into that many runs, each averaged). The loss
 * is the mean squared error; the optimiser Adam. This aligns pictures with the words that describe
 * them, like the feature-alignment stage of LLaVA, without running the LLM itself (LLaVA's own stage
 * trains through the LLM's next-token loss, which needs the LLM's weights in the training process).
 *
 * <p>The data directory holds {@code pairs.jsonl}: one {@code {"image": "relative/path.png", "caption": "…"}}
 * per line. Deterministic for a seed on the CPU.
 */
public final class ProjectorTrainer {

    /** One epoch's outcome. */
    public record Epoch(int epoch, double loss) {
    }

    /**
     * What a run did.
     *
     * @param pairs  the pairs trained on
     * @param epochs each epoch's mean loss
     * @param output the weights file written
     */
    public record Report(int pairs, List<Epoch> epochs, Path output) {
    }

    private final ProjectorSpec spec;
    private int epochs = 20;
    private int batchSize = 16;
    private float learningRate = 1e-3f;
    private long seed = 1;

    public ProjectorTrainer(ProjectorSpec spec) {
        this.spec = spec;
    }

    public ProjectorTrainer epochs(int epochs) {
        if (epochs < 1 || epochs > 10_000) {
            throw new IllegalArgumentException("epochs is " + epochs + "; use 1 to 10000");
        }
        this.epochs = epochs;
        return this;
    }

    public ProjectorTrainer batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch size is " + batchSize + "; use 1 to 4096");
        }
        this.batchSize = batchSize;
        return this;
    }

    public ProjectorTrainer learningRate(float learningRate) {
        if (!(learningRate > 0) || learningRate > 1) {
            throw new IllegalArgumentException("learning rate is " + learningRate + "; use a value in (0, 1]");
        }
        this.learningRate = learningRate;
        return this;
    }

    public ProjectorTrainer seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Trains on the pairs of {@code dataDir} and writes the weights to {@code output} (the spec's
     * {@code projector} file, usually).
     *
     * @param progress told each epoch's mean loss
     * @throws IllegalArgumentException for a missing or malformed {@code pairs.jsonl}, naming the line
     */
    public Report train(Path dataDir, Path output, Consumer<Epoch> progress) throws IOException {
        List<float[]> inputs = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        try (SoftPromptProjector components = SoftPromptProjector.forTraining(spec)) {
            readPairs(dataDir, components, inputs, targets);
        }
        Engine.getInstance().setRandomSeed((int) seed);
        Random shuffle = new Random(seed);
        List<Epoch> history = new ArrayList<>();
        SequentialBlock block = ProjectorMlp.block(spec);
        try (Model model = Model.newInstance("projector", "PyTorch")) {
            model.setBlock(block);
            var config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, spec.embeddingSize()));
                NDManager manager = trainer.getManager();
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < inputs.size(); i++) {
                    order.add(i);
                }
                for (int e = 1; e <= epochs; e++) {
                    java.util.Collections.shuffle(order, shuffle);
                    double sum = 0;
                    int batches = 0;
                    for (int from = 0; from < order.size(); from += batchSize) {
                        List<Integer> batch = order.subList(from, Math.min(order.size(), from + batchSize));
                        try (NDManager scope = manager.newSubManager()) {
                            NDArray x = stack(scope, batch, inputs);
                            NDArray y = stack(scope, batch, targets);
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDArray predicted = trainer.forward(new NDList(x)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(predicted));
                                collector.backward(loss);
                                sum += loss.getFloat();
                                batches++;
                            }
                            trainer.step();
                        }
                    }
                    Epoch epoch = new Epoch(e, sum / Math.max(1, batches));
                    history.add(epoch);
                    progress.accept(epoch);
                }
            }
            ProjectorMlp.save(block, output);
        }
        return new Report(inputs.size(), List.copyOf(history), output);
    }

    private void readPairs(Path dataDir, SoftPromptProjector components, List<float[]> inputs, List<float[]> targets)
            throws IOException {
        Path pairs = dataDir.resolve("pairs.jsonl");
        if (!Files.isRegularFile(pairs)) {
            throw new IllegalArgumentException(dataDir + " has no pairs.jsonl; write one {\"image\": \"path\", \"caption\": \"…\"} per line");
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(pairs);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = pairs + " line " + (i + 1);
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + " is not JSON: " + e.getMessage(), e);
            }
            String image = n.path("image").asText("");
            String caption = n.path("caption").asText("");
            if (image.isBlank() || caption.isBlank()) {
                throw new IllegalArgumentException(where + " needs a non-empty \"image\" and \"caption\"");
            }
            Path file = dataDir.resolve(image).normalize();
            if (!file.startsWith(dataDir.normalize())) {
                throw new IllegalArgumentException(where + ": the image path " + image + " leaves the data directory");
            }
            BufferedImage picture = Files.isRegularFile(file) ? ImageIO.read(file.toFile()) : null;
            if (picture == null) {
                throw new IllegalArgumentException(where + ": " + file + " is missing or not a picture Java can read (PNG, JPEG, GIF, BMP)");
            }
            float[][] words = components.embedText(caption);
            if (words.length == 0) {
                throw new IllegalArgumentException(where + ": the caption has no tokens the tokenizer knows");
            }
            inputs.add(components.encode(picture));
            targets.add(pool(words, spec.softTokens()));
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException(pairs + " holds no pairs");
        }
    }

    /** {@code rows} token embeddings pooled into {@code k} rows, flattened: runs of tokens averaged. */
    static float[] pool(float[][] rows, int k) {
        int h = rows[0].length;
        float[] out = new float[k * h];
        for (int j = 0; j < k; j++) {
            int from = j * rows.length / k;
            int to = Math.max(from + 1, (j + 1) * rows.length / k);
            for (int r = from; r < to; r++) {
                float[] row = rows[Math.min(r, rows.length - 1)];
                for (int c = 0; c < h; c++) {
                    out[j * h + c] += row[c] / (to - from);
                }
            }
        }
        return out;
    }

    private static NDArray stack(NDManager manager, List<Integer> batch, List<float[]> rows) {
        int width = rows.get(0).length;
        float[] flat = new float[batch.size() * width];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(rows.get(batch.get(i)), 0, flat, i * width, width);
        }
        return manager.create(flat, new Shape(batch.size(), width));
    }
}
