package dev.modaweave.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.app.UsageException;
import dev.modaweave.generators.diffusion.DiffusionOutput;
import dev.modaweave.generators.diffusion.DiffusionPipeline;
import dev.modaweave.generators.diffusion.DiffusionRequest;
import dev.modaweave.generators.diffusion.DiffusionSpec;
import dev.modaweave.generators.diffusion.PipelineKind;
import dev.modaweave.generators.diffusion.schedulers.Scheduler;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code modaweave bench diffusion}: how much the Java denoising loop adds to its neural calls. For
 * each pipeline and scheduler it runs the tiny fixtures (or the specs given) and prints the median
 * time of a step, the median time of its UNet call (over every step of every measured run), and
 * their ratio.
 */
@Command(name = "diffusion",
        mixinStandardHelpOptions = true,
        description = {
                "Measure the Java latent-diffusion loops against their neural component calls.",
                "Prints one JSON line per pipeline and scheduler: {\"pipeline\",\"scheduler\",\"steps\",\"ms_per_step\",",
                "\"component_ms_per_step\",\"ratio\",\"java_ms_per_step\",\"device\"}; ratio = whole loop time / summed UNet time",
                "(goal: ≤ 1.05), java_ms_per_step = what the loop adds per step. The tiny fixtures' UNets take well under",
                "a millisecond, so their ratio shows the fixed per-step cost; --spec a real model to see the ratio that matters."})
public final class BenchDiffusionCommand implements Callable<Integer> {

    private static final Map<PipelineKind, String> TINY_SPECS = new LinkedHashMap<>();

    static {
        TINY_SPECS.put(PipelineKind.TEXT_TO_IMAGE, "sd-tiny.json");
        TINY_SPECS.put(PipelineKind.IMAGE_EDIT, "sd-edit-tiny.json");
        TINY_SPECS.put(PipelineKind.TEXT_TO_AUDIO, "audioldm-tiny.json");
        TINY_SPECS.put(PipelineKind.TEXT_TO_VIDEO, "video-tiny.json");
    }

    @Option(names = "--fixtures", defaultValue = "generators/diffusion/src/test/resources/tiny",
            description = "Directory of the tiny pipeline specs (default: ${DEFAULT-VALUE}, from the repository root).")
    Path fixtures;

    @Option(names = "--spec", description = "Benchmark these spec files instead of the tiny fixtures; repeatable.")
    List<Path> specs;

    @Option(names = "--steps", defaultValue = "8", description = "Denoising steps per run (LCM uses at most 8) (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured runs; medians over all their steps are reported (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--size", description = "Width and height in pixels of image and video runs (default: the spec's).")
    Integer size;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (steps < 1 || steps > 200 || iterations < 1 || warmup < 0) {
            throw new UsageException("--steps must be 1..200, --iterations at least 1 and --warmup at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = specs != null && !specs.isEmpty() ? specs
                : TINY_SPECS.values().stream().map(fixtures::resolve).toList();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new UsageException("no diffusion spec at " + file + "; run from the repository root or pass --fixtures DIR / --spec FILE");
            }
            try (DiffusionPipeline pipeline = DiffusionPipeline.load(DiffusionSpec.read(file))) {
                for (String name : Scheduler.NAMES) {
                    Scheduler scheduler = Scheduler.of(name, pipeline.scheduler().config());
                    int runSteps = name.equals("lcm") ? Math.min(steps, 8) : steps;
                    DiffusionRequest request = request(pipeline.spec(), scheduler, runSteps);
                    for (int k = 0; k < warmup; k++) {
                        pipeline.run(request, ProgressListener.NONE, Cancellation.create());
                    }
                    long[] stepTimes = new long[0];
                    long[] unetTimes = new long[0];
                    int measuredSteps = 0;
                    for (int k = 0; k < iterations; k++) {
                        DiffusionOutput.Timings t = pipeline.run(request, ProgressListener.NONE, Cancellation.create()).timings();
                        stepTimes = append(stepTimes, t.stepNanos());
                        unetTimes = append(unetTimes, t.unetStepNanos());
                        measuredSteps = t.steps();
                    }
                    // medians over every step of every run: a step the operating system preempted does not move them
                    long loop = median(stepTimes);
                    long unet = median(unetTimes);
                    ObjectNode line = Json.object();
                    line.put("pipeline", pipeline.spec().kind().task());
                    line.put("scheduler", name);
                    line.put("steps", measuredSteps);
                    line.put("ms_per_step", round(loop / 1e6));
                    line.put("component_ms_per_step", round(unet / 1e6));
                    line.put("ratio", round((double) loop / unet));
                    line.put("java_ms_per_step", round((loop - unet) / 1e6));
                    line.put("device", pipeline.device());
                    out.println(Json.write(line));
                    out.flush();
                }
            }
        }
        return 0;
    }

    private DiffusionRequest request(DiffusionSpec spec, Scheduler scheduler, int runSteps) {
        DiffusionRequest.Builder b = DiffusionRequest.builder().prompt("a red fox in the snow").negativePrompt("blurry")
                .seed(1).steps(runSteps).scheduler(scheduler);
        if (size != null && spec.kind() != PipelineKind.TEXT_TO_AUDIO) {
            b.width(size).height(size);
        }
        if (spec.kind() == PipelineKind.IMAGE_EDIT) {
            int w = size != null ? size : spec.defaults().width();
            int h = size != null ? size : spec.defaults().height();
            // strength 1 replays every step, so the edit is measured over as many steps as the others
            b.image(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB)).strength(1.0);
        }
        return b.build();
    }

    private static long[] append(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
