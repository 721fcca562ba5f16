package dev.modaweave.tools.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.ToolDescriptor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test tool whose behaviour is a script: succeed at once, sleep, fail retriably a number of times,
 * fail for good, or block until released or cancelled. It counts calls and the highest concurrency
 * it saw, and remembers each request.
 */
public final class ScriptedTool implements GeneratorTool {

    /** A minimal valid PNG header followed by a marker byte: passes the store's magic-byte check. */
    public static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D};

    /** What one call does. */
    @FunctionalInterface
    public interface Behaviour {
        GenerationResult run(GenerationRequest request, ProgressListener progress, int callNumber) throws InterruptedException;
    }

    private final ToolDescriptor descriptor;
    private final Behaviour behaviour;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Long> callTimesNanos = new CopyOnWriteArrayList<>();

    public ScriptedTool(ToolDescriptor descriptor, Behaviour behaviour) {
        this.descriptor = descriptor;
        this.behaviour = behaviour;
    }

    /** A text-to-image descriptor taking a required {@code prompt} string. */
    public static ToolDescriptor imageDescriptor(String name, int capacity) {
        return descriptor(name, "text-to-image", capacity);
    }

    public static ToolDescriptor descriptor(String name, String task, int capacity) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("prompt").put("type", "string").put("minLength", 1);
        props.putObject("steps").put("type", "integer").put("minimum", 1).put("maximum", 100);
        schema.putArray("required").add("prompt");
        schema.put("additionalProperties", false);
        return ToolDescriptor.builder().name(name).task(task).outputModality(Modality.IMAGE)
                .argumentsSchema(schema).description("test tool " + name).capacity(capacity).build();
    }

    public static ScriptedTool succeeding(String name) {
        return new ScriptedTool(imageDescriptor(name, 4), (r, p, n) -> png());
    }

    public static ScriptedTool sleeping(String name, Duration duration, int capacity) {
        return new ScriptedTool(imageDescriptor(name, capacity), (r, p, n) -> {
            CountDownLatch cancelled = new CountDownLatch(1);
            r.cancellation().onCancel(cancelled::countDown);
            if (cancelled.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
                r.cancellation().throwIfCancelled();
            }
            p.progress(1, "done");
            return png();
        });
    }

    /** Fails retriably {@code failures} times (with the given retryAfter, may be null), then succeeds. */
    public static ScriptedTool failingRetriably(String name, int failures, Duration retryAfter) {
        return new ScriptedTool(imageDescriptor(name, 4), (r, p, n) -> {
            if (n <= failures) {
                throw new RetriableToolException("backend busy (call " + n + ")", retryAfter, null);
            }
            return png();
        });
    }

    public static ScriptedTool failingNonRetriably(String name) {
        return new ScriptedTool(imageDescriptor(name, 4), (r, p, n) -> {
            throw new NonRetriableToolException("backend refused the prompt (call " + n + ")");
        });
    }

    /** Blocks until {@code release} is counted down or the call is cancelled. */
    public static ScriptedTool blocking(String name, int capacity, CountDownLatch release) {
        return new ScriptedTool(imageDescriptor(name, capacity), (r, p, n) -> {
            CountDownLatch cancelled = new CountDownLatch(1);
            r.cancellation().onCancel(cancelled::countDown);
            while (release.getCount() > 0 && cancelled.getCount() > 0) {
                if (release.await(5, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
            r.cancellation().throwIfCancelled();
            return png();
        });
    }

    public static GenerationResult png() {
        return GenerationResult.of(PNG.clone(), "image/png");
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        int n = calls.incrementAndGet();
        callTimesNanos.add(System.nanoTime());
        requests.add(request);
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        try {
            return behaviour.run(request, progress, n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NonRetriableToolException("interrupted", e);
        } finally {
            running.decrementAndGet();
        }
    }

    public int calls() {
        return calls.get();
    }

    public int running() {
        return running.get();
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    public List<GenerationRequest> requests() {
        return requests;
    }

    public List<Long> callTimesNanos() {
        return callTimesNanos;
    }
}
