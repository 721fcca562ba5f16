package dev.modaweave.app.planner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * The planner's network. Inputs: token feature buckets {@code (B, T, G)} (int64; padding slots
 * hold the extra row {@code buckets}), their mask {@code (B, T, G)}, the sentence embedding
 * {@code (B, S)}, the token mask {@code (B, T)}, per request the positions of its tokens in
 * reverse order {@code (B, T)} (int64; padding positions map to themselves), and each token's
 * contextual state {@code (B, T, C)}. Each token is the mean of its word and trigram embeddings
 * (partly dropped while training), concatenated with projections of its contextual state and of the
 * sentence embedding; a bidirectional LSTM reads the tokens; a linear head tags every token (BIO per
 * task) and a small MLP over the masked max of the LSTM states and the projected sentence scores
 * each task (multi-label); with {@code anyCall} it also pools the states by attention and scores
 * "any call at all" as one more output. (A sentence embedding or contextual state of width 0 is left out.)
 * Outputs: tag logits {@code (B, T, tags)} and task logits {@code (B, tasks)}.
 */
final class PlannerNet extends AbstractBlock {

    private final Parameter table;
    private final Linear sentence;
    private final Linear context;
    private final LSTM forwardLstm;
    private final LSTM backwardLstm;
    private final Linear tagHead;
    private final Linear callHidden;
    private final Linear callHead;
    private final Linear attention;
    private final boolean anyCall;
    private final int dim;
    private final int hidden;
    private final int sentenceWidth;
    private final int contextWidth;
    private final float dropout;

    PlannerNet(PlannerSettings s) {
        super((byte) 1);
        this.dim = s.dim();
        this.hidden = s.hidden();
        this.sentenceWidth = s.sentence();
        this.contextWidth = s.context();
        this.dropout = s.dropout();
        table = addParameter(Parameter.builder().setName("table").setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer(0.1f)).optShape(new Shape(s.buckets() + 1L, dim)).build());
        sentence = addChildBlock("sentence", Linear.builder().setUnits(dim).build());
        context = addChildBlock("context", Linear.builder().setUnits(dim).build());
        // Two one-way LSTMs rather than DJL's bidirectional one, whose reverse weights get the wrong input width.
        forwardLstm = addChildBlock("lstmForward", LSTM.builder().setStateSize(hidden).setNumLayers(1)
                .optBatchFirst(true).optReturnState(false).build());
        backwardLstm = addChildBlock("lstmBackward", LSTM.builder().setStateSize(hidden).setNumLayers(1)
                .optBatchFirst(true).optReturnState(false).build());
        tagHead = addChildBlock("tags", Linear.builder().setUnits(s.tags().size()).build());
        callHidden = addChildBlock("callHidden", Linear.builder().setUnits(hidden).build());
        callHead = addChildBlock("calls", Linear.builder().setUnits(s.callOutputs()).build());
        anyCall = s.anyCall();
        attention = anyCall ? addChildBlock("attention", Linear.builder().setUnits(1).build()) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray slotMask = inputs.get(1);
        NDArray sent = inputs.get(2);
        NDArray tokenMask = inputs.get(3);
        Shape shape = ids.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        long g = shape.get(2);
        NDArray w = ps.getValue(table, ids.getDevice(), training);
        NDArray emb = ai.djl.nn.core.Embedding.embedding(ids, w, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
        NDArray m = slotMask.expandDims(3);
        NDArray tok = emb.mul(m).sum(new int[] {2}).div(slotMask.sum(new int[] {2}, true).maximum(1f));
        if (training && dropout > 0) {
            tok = ai.djl.nn.norm.Dropout.dropout(tok, dropout, true).singletonOrThrow();
        }
        NDArray s = null;
        NDArray x = tok;
        if (contextWidth > 0) {
            NDArray ctx = Activation.tanh(context.forward(ps, new NDList(inputs.get(5)), training).singletonOrThrow());
            x = x.concat(ctx, 2);
        }
        if (sentenceWidth > 0) {
            s = Activation.tanh(sentence.forward(ps, new NDList(sent), training).singletonOrThrow());
            x = x.concat(s.expandDims(1).broadcast(b, t, dim), 2);
        }
        NDArray hf = forwardLstm.forward(ps, new NDList(x), training).get(0);
        // Each request reversed within its own length, so padding stays at the end for both directions.
        NDArray reverse = inputs.get(4);
        NDArray xr = x.gather(reverse.expandDims(2).broadcast(b, t, x.getShape().get(2)), 1);
        NDArray hr = backwardLstm.forward(ps, new NDList(xr), training).get(0);
        NDArray hb = hr.gather(reverse.expandDims(2).broadcast(b, t, hidden), 1);
        NDArray h = hf.concat(hb, 2);
        NDArray tags = tagHead.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray masked = h.add(tokenMask.expandDims(2).sub(1f).mul(1e4f));
        NDArray pooled = masked.max(new int[] {1});
        if (attention != null) {
            // Attention pooling: a learned score per token, softmax over the request's tokens.
            NDArray score = attention.forward(ps, new NDList(h), training).singletonOrThrow().squeeze(2)
                    .add(tokenMask.sub(1f).mul(1e4f));
            NDArray weights = score.softmax(1).expandDims(2);
            pooled = pooled.concat(h.mul(weights).sum(new int[] {1}), 1);
        }
        NDArray c = Activation.relu(callHidden.forward(ps, new NDList(s == null ? pooled : pooled.concat(s, 1)), training).singletonOrThrow());
        NDArray calls = callHead.forward(ps, new NDList(c), training).singletonOrThrow();
        return new NDList(tags, calls);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        long t = inputShapes[0].get(1);
        return new Shape[] {new Shape(b, t, tagHead.getOutputShapes(new Shape[] {new Shape(b, t, 2L * hidden)})[0].get(2)),
                new Shape(b, callHead.getOutputShapes(new Shape[] {new Shape(b, hidden)})[0].get(1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        long t = inputShapes[0].get(1);
        int extra = sentenceWidth > 0 ? dim : 0;
        int tokenWidth = dim + extra + (contextWidth > 0 ? dim : 0);
        sentence.initialize(manager, dataType, new Shape(b, Math.max(1, sentenceWidth)));
        context.initialize(manager, dataType, new Shape(b, t, Math.max(1, contextWidth)));
        forwardLstm.initialize(manager, dataType, new Shape(b, t, tokenWidth));
        backwardLstm.initialize(manager, dataType, new Shape(b, t, tokenWidth));
        tagHead.initialize(manager, dataType, new Shape(b, t, 2L * hidden));
        int pooledWidth = (attention != null ? 4 : 2) * hidden;
        if (attention != null) {
            attention.initialize(manager, dataType, new Shape(b, t, 2L * hidden));
        }
        callHidden.initialize(manager, dataType, new Shape(b, pooledWidth + extra));
        callHead.initialize(manager, dataType, new Shape(b, hidden));
    }
}
