package dev.modaweave.app.planner;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A trained planner: the network's parameters, its {@link PlannerSettings} and two small memories
 * taken from the training data (requests that need no call with their answers, and edit instructions
 * with the edit prompts the data set rewrites them to). One file: a magic line, a JSON header, then
 * DJL's parameter stream.
 */
final class PlannerModel implements AutoCloseable {

    static final String MAGIC = "MODAWEAVE-PLANNER-2";
    /** Resource of the shipped model. */
    static final String RESOURCE = "dev/modaweave/app/planner/planner.bin";

    /**
     * A remembered example: the request, the answer and its embedding.
     *
     * @param text     the user's text (for no-call entries) or the edit instruction
     * @param answer   the assistant's answer (no-call) or the edit prompt
     * @param template for no-call entries rendered from a caption template: the user template; else null
     * @param replyTemplate the matching answer template, or null
     * @param vector   the unit sentence embedding of {@code text}
     */
    record Memory(String text, String answer, String template, String replyTemplate, float[] vector) {
        ObjectNode toJson() {
            ObjectNode o = Json.object().put("text", text).put("answer", answer);
            if (template != null) {
                o.put("template", template).put("replyTemplate", replyTemplate);
            }
            ByteBuffer buf = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : vector) {
                buf.putFloat(f);
            }
            return o.put("vector", Base64.getEncoder().encodeToString(buf.array()));
        }

        static Memory fromJson(JsonNode o) {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(o.path("vector").asText())).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[buf.remaining() / 4];
            for (int i = 0; i < v.length; i++) {
                v[i] = buf.getFloat();
            }
            return new Memory(o.path("text").asText(), o.path("answer").asText(),
                    o.hasNonNull("template") ? o.get("template").asText() : null,
                    o.hasNonNull("replyTemplate") ? o.get("replyTemplate").asText() : null, v);
        }
    }

    /** Network inputs of one batch. */
    record Batch(long[] ids, float[] slotMask, float[] sentence, float[] tokenMask, long[] reverse, float[] context, int size,
                 int length) {
    }

    /**
     * Raw outputs for one request: per-token tag probabilities, per-task call probabilities and the
     * probability of any call at all (1 for models without that head).
     */
    record Output(float[][] tags, float[] calls, float anyCall) {
        Output(float[][] tags, float[] calls) {
            this(tags, calls, 1f);
        }
    }

    final PlannerSettings settings;
    final Model model;
    final PlannerNet net;
    final List<Memory> noCall;
    final List<Memory> edits;
    final ObjectNode training;

    PlannerModel(PlannerSettings settings, Model model, PlannerNet net, List<Memory> noCall, List<Memory> edits, ObjectNode training) {
        this.settings = settings;
        this.model = model;
        this.net = net;
        this.noCall = List.copyOf(noCall);
        this.edits = List.copyOf(edits);
        this.training = training;
    }

    /** The call probability from which task {@code task} is called: chosen on val when trained, else 0.5. */
    float threshold(int task) {
        JsonNode t = training.path("thresholds");
        return t.isArray() && task < t.size() ? (float) t.get(task).asDouble() : 0.5f;
    }

    /** The probability of any call from which a request gets calls: chosen on val when trained, else 0.5. */
    float anyCallThreshold() {
        return (float) training.path("anyCallThreshold").asDouble(0.5);
    }

    /** The tasks called for {@code out}, with this model's thresholds. */
    boolean[] decide(Output out) {
        return decide(out, anyCallThreshold(), this::threshold);
    }

    /**
     * The tasks called: none when the probability of any call is below {@code anyThreshold}; else
     * each task at or above its threshold, or the likeliest task when none is.
     */
    static boolean[] decide(Output out, float anyThreshold, java.util.function.IntToDoubleFunction threshold) {
        boolean[] called = new boolean[out.calls().length];
        if (out.anyCall() < anyThreshold) {
            return called;
        }
        boolean some = false;
        int best = 0;
        for (int task = 0; task < called.length; task++) {
            called[task] = out.calls()[task] >= threshold.applyAsDouble(task);
            some |= called[task];
            best = out.calls()[task] > out.calls()[best] ? task : best;
        }
        if (!some && out.anyCall() < 1f) {
            called[best] = true;
        }
        return called;
    }

    /** A new, untrained network on the PyTorch engine. */
    static PlannerModel create(PlannerSettings settings) {
        preferOneThread();
        Model model = Model.newInstance("planner", Engine.getEngine("PyTorch").getEngineName());
        PlannerNet net = new PlannerNet(settings);
        model.setBlock(net);
        return new PlannerModel(settings, model, net, List.of(), List.of(), Json.object());
    }

    PlannerModel withMemories(List<Memory> noCall, List<Memory> edits, ObjectNode training) {
        return new PlannerModel(settings, model, net, noCall, edits, training);
    }

    /** Input shapes used to initialise the network. */
    Shape[] initShapes() {
        return new Shape[] {new Shape(1, 4, settings.slots()), new Shape(1, 4, settings.slots()),
                new Shape(1, Math.max(1, settings.sentence())), new Shape(1, 4), new Shape(1, 4),
                new Shape(1, 4, Math.max(1, settings.context()))};
    }

    /** Encodes token words (lower-cased) and their MiniLM features into a padded batch. */
    Batch encode(List<List<String>> words, List<MiniLmFeatures.Features> features) {
        int b = words.size();
        int t = 1;
        for (List<String> w : words) {
            t = Math.max(t, Math.min(w.size(), settings.maxTokens()));
        }
        int g = settings.slots();
        long[] ids = new long[b * t * g];
        float[] slotMask = new float[b * t * g];
        float[] tokenMask = new float[b * t];
        float[] sent = new float[b * Math.max(1, settings.sentence())];
        int c = Math.max(1, settings.context());
        float[] context = new float[b * t * c];
        java.util.Arrays.fill(ids, settings.buckets());
        long[] reverse = new long[b * t];
        for (int i = 0; i < b; i++) {
            List<String> w = words.get(i);
            int len = Math.min(w.size(), t);
            for (int j = 0; j < t; j++) {
                reverse[i * t + j] = j < len ? len - 1 - j : j;
            }
            for (int j = 0; j < Math.min(w.size(), t); j++) {
                int off = (i * t + j) * g;
                Tokens.features(w.get(j), settings.buckets(), g, ids, off);
                for (int k = 0; k < g; k++) {
                    if (ids[off + k] < 0) {
                        ids[off + k] = settings.buckets();
                    } else {
                        slotMask[off + k] = 1f;
                    }
                }
                tokenMask[i * t + j] = 1f;
            }
            if (settings.sentence() > 0) {
                System.arraycopy(features.get(i).sentence(), 0, sent, i * settings.sentence(), settings.sentence());
            }
            if (settings.context() > 0) {
                System.arraycopy(features.get(i).tokens(), 0, context, i * t * c, len * c);
            }
        }
        return new Batch(ids, slotMask, sent, tokenMask, reverse, context, b, t);
    }

    NDList inputs(NDManager m, Batch batch) {
        int g = settings.slots();
        return new NDList(m.create(batch.ids(), new Shape(batch.size(), batch.length(), g)),
                m.create(batch.slotMask(), new Shape(batch.size(), batch.length(), g)),
                m.create(batch.sentence(), new Shape(batch.size(), Math.max(1, settings.sentence()))),
                m.create(batch.tokenMask(), new Shape(batch.size(), batch.length())),
                m.create(batch.reverse(), new Shape(batch.size(), batch.length())),
                m.create(batch.context(), new Shape(batch.size(), batch.length(), Math.max(1, settings.context()))));
    }

    /** Runs the network on one request (inference; safe to call from several threads). */
    Output predict(List<String> words, MiniLmFeatures.Features features) {
        return predict(List.of(words), List.of(features)).get(0);
    }

    /** Runs the network on a batch of requests; each output has as many token rows as its request has words. */
    List<Output> predict(List<List<String>> words, List<MiniLmFeatures.Features> features) {
        Batch batch = encode(words, features);
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList out = net.forward(new ParameterStore(m, false), inputs(m, batch), false);
            float[] flat = out.get(0).softmax(2).toFloatArray();
            float[] calls = ai.djl.nn.Activation.sigmoid(out.get(1)).toFloatArray();
            int n = settings.tags().size();
            int c = settings.tasks().size();
            int co = settings.callOutputs();
            int t = batch.length();
            List<Output> outputs = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                int len = Math.min(t, words.get(i).size());
                float[][] perToken = new float[len][n];
                for (int j = 0; j < len; j++) {
                    System.arraycopy(flat, (i * t + j) * n, perToken[j], 0, n);
                }
                float[] cs = new float[c];
                System.arraycopy(calls, i * co, cs, 0, c);
                outputs.add(new Output(perToken, cs, settings.anyCall() ? calls[i * co + c] : 1f));
            }
            return outputs;
        }
    }

    /**
     * Makes PyTorch use one thread per operation unless configured otherwise: the network is tiny,
     * and on a busy machine one thread answers faster than two. Call before the engine starts.
     */
    static void preferOneThread() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** Writes the model file. */
    void save(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (OutputStream raw = Files.newOutputStream(file);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
                ObjectNode header = Json.object();
                header.set("settings", settings.toJson());
                ArrayNode nc = header.putArray("noCall");
                noCall.forEach(mem -> nc.add(mem.toJson()));
                ArrayNode ed = header.putArray("edits");
                edits.forEach(mem -> ed.add(mem.toJson()));
                header.set("training", training);
                byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
                out.write((MAGIC + "\n").getBytes(StandardCharsets.US_ASCII));
                out.writeInt(json.length);
                out.write(json);
                net.saveParameters(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the planner model " + file, e);
        }
    }

    /**
     * Reads a model file.
     *
     * @throws IllegalArgumentException when the stream is not a planner model
     */
    static PlannerModel load(InputStream stream, String name) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(stream))) {
            byte[] magic = new byte[MAGIC.length() + 1];
            in.readFully(magic);
            if (!new String(magic, StandardCharsets.US_ASCII).equals(MAGIC + "\n")) {
                throw new IllegalArgumentException(name + " is not a planner model (no " + MAGIC
                        + " header); train one with: modaweave planner train --data DIR");
            }
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            JsonNode header = Json.parse(new String(json, StandardCharsets.UTF_8));
            PlannerSettings settings = PlannerSettings.fromJson(header.path("settings"));
            PlannerModel created = create(settings);
            created.net.initialize(created.model.getNDManager(), DataType.FLOAT32, created.initShapes());
            created.net.loadParameters(created.model.getNDManager(), in);
            List<Memory> noCall = new ArrayList<>();
            header.path("noCall").forEach(n -> noCall.add(Memory.fromJson(n)));
            List<Memory> edits = new ArrayList<>();
            header.path("edits").forEach(n -> edits.add(Memory.fromJson(n)));
            return created.withMemories(noCall, edits, (ObjectNode) header.path("training"));
        } catch (IOException | ai.djl.MalformedModelException e) {
            throw new IllegalArgumentException("cannot read the planner model " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
