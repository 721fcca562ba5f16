package dev.modaweave.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactNotFoundException;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolException;
import dev.modaweave.tools.ToolTimeoutException;
import dev.modaweave.tools.ToolWorker;
import io.github.resilience4j.retry.Retry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** One call a {@link ToolWorker} received: its attempts, progress, cancellation and reply. */
public final class ToolCall {

    private static final int MAX_JOB_ID = 200;

    private final Message<JsonObject> message;
    private final String jobId;
    private final ObjectNode args;
    private final String events;
    private final ToolDescriptor descriptor;
    private final ToolWorker.Options options;
    private final String workerId;
    private final Vertx vertx;
    private final Context context;
    private final Cancellation cancellation = Cancellation.create();
    private final Promise<Void> done = Promise.promise();
    private String controlAddress;
    private int attempts;
    private boolean replied;
    private final java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
    private final int dispatchAttempt;
    private JobResults results;

    private ToolCall(Message<JsonObject> message, String jobId, ObjectNode args, String events, int dispatchAttempt,
                     ToolDescriptor descriptor, ToolWorker.Options options, String workerId, Vertx vertx, Context context) {
        this.message = message;
        this.dispatchAttempt = dispatchAttempt;
        this.jobId = jobId;
        this.args = args;
        this.events = events;
        this.descriptor = descriptor;
        this.options = options;
        this.workerId = workerId;
        this.vertx = vertx;
        this.context = context;
    }

    /**
     * Reads a call message.
     *
     * @throws IllegalArgumentException when the message is not a call
     */
    public static ToolCall parse(Message<JsonObject> message, ToolDescriptor descriptor, ToolWorker.Options options,
                                 String workerId, Vertx vertx, Context context) {
        JsonObject body = message.body();
        if (body == null) {
            throw new IllegalArgumentException("a tool call must be a JSON object with jobId and args");
        }
        Object id = body.getValue("jobId");
        if (!(id instanceof String jobId) || jobId.isBlank() || jobId.length() > MAX_JOB_ID) {
            throw new IllegalArgumentException("a tool call needs a jobId string of 1-" + MAX_JOB_ID + " characters");
        }
        Object rawArgs = body.getValue("args");
        if (rawArgs != null && !(rawArgs instanceof JsonObject)) {
            throw new IllegalArgumentException("args of job '" + jobId + "' must be a JSON object");
        }
        ObjectNode args = rawArgs == null ? Json.object() : Json.toObjectNode((JsonObject) rawArgs);
        Object events = body.getValue("events");
        return new ToolCall(message, jobId, args, events instanceof String s ? s : null,
                body.getValue("attempt") instanceof Number n ? n.intValue() : 1, descriptor, options, workerId, vertx, context);
    }

    public String jobId() {
        return jobId;
    }

    /** Cancels the call (running or queued) with {@code reason}. */
    public void cancel(String reason) {
        cancellation.cancel(reason);
    }

    public boolean isCancelled() {
        return cancellation.isCancelled();
    }

    public String cancellationReason() {
        return cancellation.reason();
    }

    /** Runs the call through the guards; the future completes once the reply has been sent. */
    /** Tells the caller which worker holds the call before it starts (it may wait in the queue). */
    public void accepted(String control) {
        this.controlAddress = control;
        if (events != null) {
            vertx.eventBus().send(events, event("accepted", 0, ""));
        }
    }

    public Future<Void> run(GeneratorTool tool, ArgumentsSchema schema, ArtifactStore store, ToolResilience resilience,
                            WorkerExecutor executor, String control, JobResults jobResults) {
        this.controlAddress = control;
        this.results = jobResults;
        if (results != null && dispatchAttempt > 1) {
            // sent again: an earlier attempt may have finished on a worker whose reply was lost
            results.completed(jobId).onComplete(found -> {
                JsonObject record = found.succeeded() ? found.result() : null;
                if (record != null) {
                    reply(base(true).put("artifactId", record.getString("artifactId"))
                            .put("artifact", record.getJsonObject("artifact")).put("reused", true).put("recorded", true));
                } else {
                    generate(tool, schema, store, resilience, executor);
                }
            });
            return done.future();
        }
        generate(tool, schema, store, resilience, executor);
        return done.future();
    }

    private void generate(GeneratorTool tool, ArgumentsSchema schema, ArtifactStore store, ToolResilience resilience,
                          WorkerExecutor executor) {
        List<ArgumentsSchema.Violation> violations = schema.validate(args);
        if (!violations.isEmpty()) {
            fail(new InvalidArgumentsException("arguments for '" + descriptor.name() + "' are invalid: " + violations));
            return;
        }
        publish("started", 0, "");
        attempt(tool, schema, store, resilience, executor, resilience.retryContext());
    }

    private void attempt(GeneratorTool tool, ArgumentsSchema schema, ArtifactStore store, ToolResilience resilience,
                         WorkerExecutor executor, Retry.AsyncContext<Object> retry) {
        if (cancellation.isCancelled()) {
            fail(new ToolCancelledException(cancellation.reason()));
            return;
        }
        ToolException refused = resilience.acquireAttempt();
        if (refused != null) {
            fail(refused);
            return;
        }
        attempts++;
        Cancellation attemptCancellation = Cancellation.create();
        cancellation.onCancel(() -> attemptCancellation.cancel(cancellation.reason()));
        long start = System.nanoTime();
        long[] generated = new long[1];
        resilience.<JsonObject>timeLimited(() -> executor.<JsonObject>executeBlocking(() -> {
                    attemptCancellation.throwIfCancelled();
                    Artifact earlier = dispatchAttempt > 1 ? store.findByJob(jobId).orElse(null) : null;
                    if (earlier != null) {
                        // an earlier worker stored this job's result and died before anyone heard of it
                        JsonObject reused = success(earlier).put("reused", true);
                        recordAndAnswer(reused, earlier);
                        return reused;
                    }
                    Map<String, GenerationRequest.InputArtifact> inputs = loadInputs(schema, store);
                    GenerationRequest request = new GenerationRequest(jobId, args, inputs, attemptCancellation);
                    GenerationResult result = tool.generate(request, (fraction, text) -> publish("progress", fraction, text));
                    generated[0] = System.nanoTime();
                    // stored on the same thread: one hand-over less between threads per call
                    Artifact artifact = store(result, schema, store);
                    JsonObject ok = success(artifact);
                    if (!attemptCancellation.isCancelled()) {
                        recordAndAnswer(ok, artifact);
                    }
                    return ok;
                }, false).toCompletionStage())
                .whenComplete((ok, error) -> context.runOnContext(v -> {
                    long nanos = (generated[0] != 0 ? generated[0] : System.nanoTime()) - start;
                    if (error == null) {
                        resilience.onSuccess(nanos);
                        retry.onComplete();
                        reply(ok);
                        return;
                    }
                    if (generated[0] != 0 && !(unwrap(error) instanceof TimeoutException)) {
                        // the tool succeeded; storing its output failed: not the backend's fault
                        fail(classify(error));
                        return;
                    }
                    Throwable cause = unwrap(error);
                    if (cause instanceof TimeoutException) {
                        attemptCancellation.cancel("time limit of " + resilience.timeout().toMillis() + " ms exceeded");
                        cause = new ToolTimeoutException("'" + descriptor.name() + "' did not finish job '" + jobId
                                + "' within " + resilience.timeout().toMillis() + " ms");
                    }
                    resilience.onError(nanos, cause);
                    ToolException failure = classify(cause);
                    long delay = failure.retriable() && !cancellation.isCancelled() ? retry.onError(failure) : -1;
                    if (delay < 0) {
                        fail(failure);
                        return;
                    }
                    publish("retrying", 0, failure.code() + ": " + failure.getMessage());
                    vertx.setTimer(Math.max(1, delay), t -> attempt(tool, schema, store, resilience, executor, retry));
                }));
    }

    /**
     * Records the job's result in the cluster map (when clustered) and answers, from the calling thread
     * at once: the less time between storing a result and telling anyone, the less is lost if this node
     * dies in between.
     */
    private void recordAndAnswer(JsonObject ok, Artifact artifact) {
        if (results != null) {
            results.record(jobId, descriptor.name(), options.nodeId(), attempts, artifact.id(), ok.getJsonObject("artifact"));
            ok.put("recorded", true);
        }
        answer(ok);
    }

    private Map<String, GenerationRequest.InputArtifact> loadInputs(ArgumentsSchema schema, ArtifactStore store) {
        Map<String, GenerationRequest.InputArtifact> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, Modality> e : schema.artifactArguments().entrySet()) {
            JsonNode value = args.get(e.getKey());
            if (value == null || !value.isTextual()) {
                continue;
            }
            String id = value.asText();
            Artifact artifact = store.find(id).orElseThrow(() -> new ArtifactNotFoundException(
                    "argument '" + e.getKey() + "' of job '" + jobId + "' names artifact '" + id
                            + "', which is not in the store"));
            if (artifact.modality() != e.getValue()) {
                throw new InvalidArgumentsException("argument '" + e.getKey() + "' of '" + descriptor.name() + "' expects "
                        + e.getValue().wireName() + ", but artifact " + id + " is " + artifact.mimeType());
            }
            inputs.put(e.getKey(), new GenerationRequest.InputArtifact(artifact, store.read(id)));
        }
        return inputs;
    }

    private Artifact store(GenerationResult result, ArgumentsSchema schema, ArtifactStore store) {
        List<String> parents = new ArrayList<>();
        for (String name : schema.artifactArguments().keySet()) {
            JsonNode value = args.get(name);
            if (value != null && Artifact.isValidId(value.asText())) {
                parents.add(value.asText());
            }
        }
        Map<String, Object> attributes = result.attributes();
        if (!attributes.containsKey(ArtifactStore.JOB_ATTRIBUTE)) {
            attributes = new LinkedHashMap<>(attributes);
            attributes.put(ArtifactStore.JOB_ATTRIBUTE, jobId);
        }
        return store.put(result.bytes(), new ArtifactStore.NewArtifact(result.mimeType(), attributes,
                descriptor.name(), args, parents));
    }

    /** Answers with an error and ends the call. */
    public void fail(ToolException error) {
        reply(errorReply(this, error));
    }

    /** The reply for a failed call; {@code call} may be null when the message could not be read. */
    public static JsonObject errorReply(ToolCall call, ToolException error) {
        JsonObject e = new JsonObject()
                .put("code", error.code())
                .put("message", error.getMessage())
                .put("retriable", error.retriable());
        if (error instanceof RetriableToolException r) {
            r.retryAfter().ifPresent(d -> e.put("retryAfterMs", d.toMillis()));
        }
        JsonObject reply = call == null ? new JsonObject().put("ok", false) : call.base(false);
        return reply.put("error", e);
    }

    private JsonObject base(boolean ok) {
        return new JsonObject()
                .put("ok", ok)
                .put("jobId", jobId)
                .put("tool", descriptor.name())
                .put("node", options.nodeId())
                .put("worker", workerId)
                .put("attempts", attempts);
    }

    private JsonObject success(Artifact artifact) {
        return base(true).put("artifactId", artifact.id())
                .put("artifact", ArtifactJson.toJsonObject(artifact));
    }

    /** Sends the reply once, from any thread. */
    private void answer(JsonObject body) {
        if (answered.compareAndSet(false, true)) {
            message.reply(body);
        }
    }

    /** Replies (unless already answered) and ends the call; on the worker's context. */
    private void reply(JsonObject body) {
        if (replied) {
            return;
        }
        replied = true;
        answer(body);
        done.tryComplete();
    }

    private void publish(String type, double fraction, String text) {
        JsonObject event = event(type, fraction, text);
        if (events != null) {
            vertx.eventBus().send(events, event);
        }
        // "started" goes to the caller only: publishing to a fresh address costs a cluster lookup per job
        if (events == null || !type.equals("started")) {
            vertx.eventBus().publish(EventBusAddresses.progress(jobId), event);
        }
    }

    private JsonObject event(String type, double fraction, String text) {
        return new JsonObject()
                .put("type", type)
                .put("jobId", jobId)
                .put("tool", descriptor.name())
                .put("node", options.nodeId())
                .put("worker", workerId)
                .put("control", controlAddress)
                .put("attempt", attempts)
                .put("fraction", Math.max(0, Math.min(1, fraction)))
                .put("message", text == null ? "" : text);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private ToolException classify(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ToolException te) {
            if (cancellation.isCancelled() && !(te instanceof ToolCancelledException)) {
                return new ToolCancelledException(cancellation.reason(), te);
            }
            return te;
        }
        if (cancellation.isCancelled()) {
            return new ToolCancelledException(cancellation.reason(), cause);
        }
        return new NonRetriableToolException("'" + descriptor.name() + "' failed on job '" + jobId + "' with "
                + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
}
