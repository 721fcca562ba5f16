package dev.modaweave.app.planner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.datasets.DatasetRecord;
import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.datasets.TemplateBank;
import dev.modaweave.generators.minilm.MiniLmEncoder;
import dev.modaweave.tools.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains a planner on a data set directory written by {@code modaweave dataset build}: every record
 * of {@code train.jsonl} and nothing else (alignment records and the builder's hard negatives teach
 * that described media and questions about media need no call; its multi-call, two-sentence and
 * follow-up records teach several calls and follow-ups), metrics on {@code val.jsonl} after each
 * epoch, thresholds chosen on {@code val.jsonl} at the end. The MiniLM features of all examples are
 * computed once before the first epoch. A manual loop on DJL's PyTorch engine: Adam, batches of
 * similar length, a fixed shuffle from the seed and the engine's seed set, so a seed gives the same
 * model on the same machine.
 */
public final class PlannerTrainer {

    /** Training options. */
    public record Options(Path data, int epochs, long seed, int batchSize, float learningRate, int limit, Path featureCache) {
        /** Options without a feature cache. */
        public Options(Path data, int epochs, long seed, int batchSize, float learningRate, int limit) {
            this(data, epochs, seed, batchSize, learningRate, limit, null);
        }

        public Options {
            Objects.requireNonNull(data, "data");
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs " + epochs + " is invalid; train at least 1 epoch");
            }
        }
    }

    /** What a training run did. @param metrics per-epoch metrics @param seconds wall time */
    public record Summary(List<ObjectNode> metrics, double seconds, long trainExamples, long valExamples) {
    }

    private final Options options;
    private final PrintWriter progress;

    public PlannerTrainer(Options options, PrintWriter progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Trains and writes the model to {@code out}. */
    public Summary train(Path out) {
        long start = System.nanoTime();
        PlannerModel.preferOneThread();
        PlannerSettings settings = PlannerSettings.defaults();
        TemplateBank bank = TemplateBank.load();
        TrainingExamples maker = new TrainingExamples(settings, bank);
        SplittableRandom random = new SplittableRandom(options.seed());
        List<DatasetRecord> trainRecords = read(options.data().resolve("train.jsonl"));
        List<TrainingExamples.Example> train = new ArrayList<>();
        for (DatasetRecord r : trainRecords) {
            train.add(maker.of(r, random));
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException(options.data() + " has no training records; build a data set first");
        }
        List<TrainingExamples.Example> val = new ArrayList<>();
        for (DatasetRecord r : read(options.data().resolve("val.jsonl"))) {
            val.add(maker.of(r, null));
        }
        say("planner: %d training examples and %d validation examples", train.size(), val.size());
        MiniLmFeatures reader = new MiniLmFeatures(MiniLmEncoder.shared());
        long featureStart = System.nanoTime();
        List<List<String>> trainWords = train.stream().map(TrainingExamples.Example::words).toList();
        List<List<String>> valWords = val.stream().map(TrainingExamples.Example::words).toList();
        List<MiniLmFeatures.Features> trainFeatures = options.featureCache() == null ? reader.ofAll(trainWords)
                : reader.ofAll(trainWords, options.featureCache());
        List<MiniLmFeatures.Features> valFeatures = options.featureCache() == null ? reader.ofAll(valWords)
                : reader.ofAll(valWords, options.featureCache());
        say("planner: MiniLM features of all examples in %.1f s", (System.nanoTime() - featureStart) / 1e9);

        Engine.getInstance().setRandomSeed((int) options.seed());
        List<ObjectNode> metrics = new ArrayList<>();
        try (PlannerModel model = PlannerModel.create(settings)) {
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate())).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.model.newTrainer(config)) {
                trainer.initialize(model.initShapes());
                for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                    long epochStart = System.nanoTime();

                    List<int[]> batches = batches(train, random);
                    double lossSum = 0;
                    int done = 0;
                    for (int[] batch : batches) {
                        try (NDManager m = trainer.getManager().newSubManager()) {
                            List<List<String>> words = new ArrayList<>();
                            List<MiniLmFeatures.Features> features = new ArrayList<>();
                            for (int i : batch) {
                                words.add(train.get(i).words());
                                features.add(trainFeatures.get(i));
                            }
                            PlannerModel.Batch b = model.encode(words, features);
                            NDList inputs = model.inputs(m, b);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList outs = trainer.forward(inputs);
                                NDArray loss = loss(m, settings, outs, b, batch, train);
                                lossSum += loss.getFloat();
                                gc.backward(loss);
                            }
                            trainer.step();
                        }
                        done++;
                        if (progress != null && done % 50 == 0) {
                            progress.printf("\r  epoch %d: %d/%d batches, loss %.4f", epoch, done, batches.size(), lossSum / done);
                            progress.flush();
                        }
                    }
                    ObjectNode row = evaluate(model, val, valFeatures);
                    row.put("epoch", epoch).put("loss", lossSum / batches.size())
                            .put("seconds", (System.nanoTime() - epochStart) / 1e9);
                    metrics.add(row);
                    say("\repoch %d/%d  loss %.4f  val call-set accuracy %.4f  val span token F1 %.4f  (%.1f s)",
                            epoch, options.epochs(), row.get("loss").asDouble(), row.get("callSetAccuracy").asDouble(),
                            row.get("spanTokenF1").asDouble(), row.get("seconds").asDouble());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ObjectNode info = Json.object().put("seed", options.seed()).put("epochs", options.epochs())
                    .put("trainExamples", train.size()).put("valExamples", val.size()).put("seconds", seconds);
            if (!val.isEmpty()) {
                ObjectNode calibrated = calibrate(model, val, valFeatures);
                info.setAll(calibrated);
                say("planner: thresholds chosen on val: any call %s, tasks %s (val call-set accuracy %.4f)",
                        calibrated.get("anyCallThreshold"), calibrated.get("thresholds"),
                        calibrated.get("valCallSetAccuracyCalibrated").asDouble());
            }
            metrics.forEach(info.putArray("metrics")::add);
            SentenceEmbedder embedder = SentenceEmbedder.miniLm();
            model.withMemories(noCallMemory(train, bank, embedder), editMemory(maker, train, embedder), info).save(out);
            return new Summary(metrics, seconds, train.size(), val.size());
        }
    }

    private NDArray loss(NDManager m, PlannerSettings settings, NDList outs, PlannerModel.Batch b, int[] batch,
                         List<TrainingExamples.Example> examples) {
        int t = b.length();
        int k = settings.tags().size();
        int c = settings.tasks().size();
        int co = settings.callOutputs();
        float[] gold = new float[batch.length * t * k];
        float[] callGold = new float[batch.length * co];
        for (int i = 0; i < batch.length; i++) {
            TrainingExamples.Example e = examples.get(batch[i]);
            for (int j = 0; j < Math.min(t, e.tags().length); j++) {
                gold[(i * t + j) * k + e.tags()[j]] = 1f;
            }
            System.arraycopy(e.calls(), 0, callGold, i * co, c);
            if (settings.anyCall()) {
                float any = 0;
                for (float v : e.calls()) {
                    any = Math.max(any, v);
                }
                callGold[i * co + c] = any;
            }
        }
        NDArray mask = m.create(b.tokenMask(), new Shape(batch.length, t));
        NDArray logp = outs.get(0).logSoftmax(2);
        NDArray tagLoss = logp.mul(m.create(gold, new Shape(batch.length, t, k))).sum(new int[] {2}).neg().mul(mask).sum()
                .div(mask.sum());
        NDArray x = outs.get(1);
        NDArray y = m.create(callGold, new Shape(batch.length, co));
        NDArray bce = Activation.relu(x).sub(x.mul(y)).add(x.abs().neg().exp().add(1f).log()).mean();
        return tagLoss.add(bce);
    }

    /** Call-set accuracy and span token F1 (tokens tagged with the right task) on {@code examples}. */
    static ObjectNode evaluate(PlannerModel model, List<TrainingExamples.Example> examples, List<MiniLmFeatures.Features> features) {
        long exact = 0;
        long tp = 0;
        long predicted = 0;
        long gold = 0;
        List<PlannerModel.Output> outputs = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += 64) {
            List<TrainingExamples.Example> part = examples.subList(from, Math.min(examples.size(), from + 64));
            outputs.addAll(model.predict(part.stream().map(TrainingExamples.Example::words).toList(),
                    features.subList(from, Math.min(examples.size(), from + 64))));
        }
        for (int i = 0; i < examples.size(); i++) {
            TrainingExamples.Example e = examples.get(i);
            PlannerModel.Output out = outputs.get(i);
            boolean same = true;
            boolean[] called = model.decide(out);
            for (int c = 0; c < out.calls().length; c++) {
                same &= called[c] == (e.calls()[c] >= 0.5f);
            }
            exact += same ? 1 : 0;
            for (int j = 0; j < Math.min(out.tags().length, e.tags().length); j++) {
                int p = PlannerSettings.taskOfTag(argmax(out.tags()[j]));
                int g = PlannerSettings.taskOfTag(e.tags()[j]);
                predicted += p >= 0 ? 1 : 0;
                gold += g >= 0 ? 1 : 0;
                tp += p >= 0 && p == g ? 1 : 0;
            }
        }
        double f1 = predicted + gold == 0 ? 1 : 2.0 * tp / (predicted + gold);
        return Json.object().put("callSetAccuracy", examples.isEmpty() ? 0 : exact / (double) examples.size())
                .put("spanTokenF1", f1);
    }

    /**
     * Thresholds chosen on {@code examples} (val): the any-call threshold, then each task's, each
     * from 0.2 to 0.8 in steps of 0.05, keeping the best call-set accuracy (ties: nearest 0.5).
     */
    static ObjectNode calibrate(PlannerModel model, List<TrainingExamples.Example> examples, List<MiniLmFeatures.Features> features) {
        List<PlannerModel.Output> outputs = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += 64) {
            int to = Math.min(examples.size(), from + 64);
            outputs.addAll(model.predict(examples.subList(from, to).stream().map(TrainingExamples.Example::words).toList(),
                    features.subList(from, to)));
        }
        int tasks = model.settings.tasks().size();
        double[] thresholds = new double[tasks];
        java.util.Arrays.fill(thresholds, 0.5);
        double[] any = {0.5};
        java.util.function.ToLongFunction<Void> right = v -> {
            long exact = 0;
            for (int i = 0; i < examples.size(); i++) {
                boolean[] called = PlannerModel.decide(outputs.get(i), (float) any[0], t -> thresholds[t]);
                boolean same = true;
                for (int c = 0; c < tasks; c++) {
                    same &= called[c] == (examples.get(i).calls()[c] >= 0.5f);
                }
                exact += same ? 1 : 0;
            }
            return exact;
        };
        for (int target = -1; target < tasks; target++) {
            double bestValue = 0.5;
            long best = -1;
            for (int step = 0; step <= 12; step++) {
                double v = 0.2 + 0.05 * step;
                if (target < 0) {
                    any[0] = v;
                } else {
                    thresholds[target] = v;
                }
                long r = right.applyAsLong(null);
                if (r > best || (r == best && Math.abs(v - 0.5) < Math.abs(bestValue - 0.5))) {
                    best = r;
                    bestValue = v;
                }
            }
            if (target < 0) {
                any[0] = bestValue;
            } else {
                thresholds[target] = bestValue;
            }
        }
        ObjectNode o = Json.object().put("anyCallThreshold", Math.round(any[0] * 100) / 100.0);
        for (double t : thresholds) {
            o.withArray("thresholds").add(Math.round(t * 100) / 100.0);
        }
        o.put("valCallSetAccuracyCalibrated", examples.isEmpty() ? 0 : right.applyAsLong(null) / (double) examples.size());
        return o;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Batches of similar length: a seeded shuffle, chunks sorted by length, then the batches shuffled. */
    private List<int[]> batches(List<TrainingExamples.Example> examples, SplittableRandom random) {
        int n = options.limit() > 0 ? Math.min(options.limit(), examples.size()) : examples.size();
        Integer[] order = new Integer[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        List<int[]> out = new ArrayList<>();
        int bs = options.batchSize();
        int chunk = bs * 16;
        for (int from = 0; from < n; from += chunk) {
            List<Integer> part = new ArrayList<>(List.of(order).subList(from, Math.min(n, from + chunk)));
            part.sort(Comparator.comparingInt(i -> examples.get(i).words().size()));
            for (int s = 0; s < part.size(); s += bs) {
                out.add(part.subList(s, Math.min(part.size(), s + bs)).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        int[][] arr = out.toArray(new int[0][]);
        shuffle(arr, random);
        return List.of(arr);
    }

    private static <T> void shuffle(T[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** One remembered answer per no-call template of the training data. */
    private static List<PlannerModel.Memory> noCallMemory(List<TrainingExamples.Example> train, TemplateBank bank,
                                                          SentenceEmbedder embedder) {
        Map<String, PlannerModel.Memory> byTemplate = new LinkedHashMap<>();
        for (int i = 0; i < train.size(); i++) {
            DatasetRecord r = train.get(i).record();
            if (!r.calls().isEmpty() || !r.media().isEmpty() || !r.variant().startsWith("no-call") || byTemplate.containsKey(r.template())) {
                continue;
            }
            String template = null;
            String reply = null;
            if (r.variant().equals("no-call-text")) {
                TemplateBank.Template t = template(bank, r.template());
                if (t != null) {
                    template = t.text();
                    reply = t.reply();
                }
            }
            byTemplate.put(r.template(), new PlannerModel.Memory(TrainingExamples.request(r), r.assistantText(), template, reply, null));
        }
        List<PlannerModel.Memory> list = new ArrayList<>(byTemplate.values());
        float[][] v = list.isEmpty() ? new float[0][] : embedder.embed(list.stream().map(PlannerModel.Memory::text).toList());
        List<PlannerModel.Memory> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            PlannerModel.Memory m = list.get(i);
            out.add(new PlannerModel.Memory(m.text(), m.answer(), m.template(), m.replyTemplate(), v[i]));
        }
        return out;
    }

    /** The template a record cites ({@code set#index}), or null when this bank has no such template. */
    private static TemplateBank.Template template(TemplateBank bank, String ref) {
        int hash = ref.lastIndexOf('#');
        if (hash < 0) {
            return null;
        }
        try {
            List<TemplateBank.Template> set = bank.set(ref.substring(0, hash));
            int index = Integer.parseInt(ref.substring(hash + 1));
            return index >= 0 && index < set.size() ? set.get(index) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The edit instructions of the training data with the prompts they were rewritten to. */
    private static List<PlannerModel.Memory> editMemory(TrainingExamples maker, List<TrainingExamples.Example> train,
                                                        SentenceEmbedder embedder) {
        Map<String, String> prompts = new LinkedHashMap<>();
        for (TrainingExamples.Example e : train) {
            e.record().calls().stream().filter(c -> dev.modaweave.tools.Tasks.IMAGE_EDIT.equals(c.task())).findFirst()
                    .ifPresent(c -> {
                        String instruction = maker.editInstruction(TrainingExamples.request(e.record()));
                        if (instruction != null) {
                            prompts.putIfAbsent(instruction, c.args().path("prompt").asText());
                        }
                    });
        }
        List<String> keys = new ArrayList<>(prompts.keySet());
        float[][] v = keys.isEmpty() ? new float[0][] : embedder.embed(keys);
        List<PlannerModel.Memory> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add(new PlannerModel.Memory(keys.get(i), prompts.get(keys.get(i)), null, null, v[i]));
        }
        return out;
    }

    static List<DatasetRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist; pass a directory written by modaweave dataset build");
        }
        List<DatasetRecord> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(DatasetRecord.fromJson(Json.parse(line)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf(format + "%n", args);
            progress.flush();
        }
    }
}
