package dev.modaweave.app.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolUnavailableException;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tools that exist only to measure the dispatcher, the cluster and the agent: {@link #create} makes
 * those of the task {@code benchmark}, which are not service providers (the agent's tool catalog
 * never shows them) and are served only when {@code modaweave worker --tools} names them;
 * {@link #sleeping} makes stand-ins for the agent's own tasks.
 */
public final class BenchmarkTools {

    /** Answers at once with a 1×1 PNG. */
    public static final String NOOP = "bench-noop";
    /** Sleeps a random 200–500 ms (or {@code minMs}–{@code maxMs}), then answers with a 1×1 PNG. */
    public static final String SLEEP = "bench-sleep";
    /** Always fails retriably, as a backend that is down. */
    public static final String FAIL = "bench-fail";

    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private BenchmarkTools() {
    }

    /** The names of every benchmark tool. */
    public static List<String> names() {
        return List.of(NOOP, SLEEP, FAIL);
    }

    /** A new instance of the benchmark tool {@code name}, if it is one. */
    public static Optional<GeneratorTool> create(String name) {
        return switch (name) {
            case NOOP -> Optional.of(new Tool(descriptor(NOOP, 64, "returns a 1x1 PNG at once"), (r, p) -> png()));
            case SLEEP -> Optional.of(new Tool(descriptor(SLEEP, 16, "sleeps 200-500 ms, then returns a 1x1 PNG"),
                    (r, p) -> sleep(r, p, 200, 500)));
            case FAIL -> Optional.of(new Tool(descriptor(FAIL, 8, "always fails as an unreachable backend would"), (r, p) -> {
                throw new ToolUnavailableException("the benchmark backend is down (by design of " + FAIL + ")");
            }));
            default -> Optional.empty();
        };
    }

    /**
     * A stand-in for a generator of one of the agent's tasks, for {@code bench agent}: named
     * {@code bench-<task>}, it takes a {@code prompt} (and an {@code image} artifact for
     * {@code image-edit}), sleeps {@code millis} (or {@code minMs}–{@code maxMs}), then answers with a
     * 1×1 PNG. Unlike the tools above it performs a real task, so the agent's catalog shows it.
     */
    public static GeneratorTool sleeping(String task, int millis) {
        boolean edit = Tasks.IMAGE_EDIT.equals(task);
        return new Tool(descriptor("bench-" + task, task, 4, "sleeps " + millis + " ms, then returns a 1x1 PNG", edit),
                (r, p) -> sleep(r, p, millis, millis));
    }

    private static ToolDescriptor descriptor(String name, int capacity, String what) {
        return descriptor(name, "benchmark", capacity, what, false);
    }

    private static ToolDescriptor descriptor(String name, String task, int capacity, String what, boolean takesImage) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("prompt").put("type", "string");
        props.putObject("minMs").put("type", "integer").put("minimum", 0).put("maximum", 60_000);
        props.putObject("maxMs").put("type", "integer").put("minimum", 0).put("maximum", 60_000);
        ObjectNode example = Json.object().put("prompt", "benchmark");
        if (takesImage) {
            props.set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "the image to edit"));
            example.put("image", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        }
        return ToolDescriptor.builder().name(name).task(task).outputModality(Modality.IMAGE)
                .inputModalities(takesImage ? Set.of(Modality.TEXT, Modality.IMAGE) : Set.of(Modality.TEXT))
                .argumentsSchema(schema).example(example).capacity(capacity).preview(true)
                .description("BENCHMARK TOOL, not a generator: " + what + ".").build();
    }

    private static GenerationResult png() {
        return new GenerationResult(PNG.clone(), "image/png", Map.of("width", 1, "height", 1));
    }

    private static GenerationResult sleep(GenerationRequest request, ProgressListener progress, int defaultMin, int defaultMax) {
        int min = request.arguments().path("minMs").asInt(defaultMin);
        int max = Math.max(min, request.arguments().path("maxMs").asInt(defaultMax));
        long millis = min == max ? min : ThreadLocalRandom.current().nextLong(min, max + 1);
        CountDownLatch cancelled = new CountDownLatch(1);
        request.cancellation().onCancel(cancelled::countDown);
        progress.progress(0, "sleeping " + millis + " ms");
        try {
            if (cancelled.await(millis, TimeUnit.MILLISECONDS)) {
                request.cancellation().throwIfCancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return png();
    }

    private interface Body {
        GenerationResult run(GenerationRequest request, ProgressListener progress);
    }

    private record Tool(ToolDescriptor descriptor, Body body) implements GeneratorTool {
        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return body.run(request, progress);
        }
    }
}
