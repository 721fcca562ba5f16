package dev.modaweave.generators.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modaweave.generators.diffusion.internal.Components;
import dev.modaweave.generators.diffusion.internal.PromptTokenizer;
import dev.modaweave.generators.diffusion.schedulers.Schedule;
import dev.modaweave.generators.diffusion.schedulers.Scheduler;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;
import dev.modaweave.generators.diffusion.schedulers.SchedulerConfig;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.ProgressListener;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Objects;

/**
 * A latent-diffusion pipeline written in Java over TorchScript components: text-to-image (Stable
 * Diffusion), image-edit (img2img / SDEdit), text-to-audio (AudioLDM) or text-to-video (ModelScope /
 * Zeroscope), as its {@link DiffusionSpec} says. The loop follows diffusers' pipelines step by step:
 * conditioning (tokenizer + text encoder, or precomputed embeddings), seeded host noise
 * ({@link TorchRandom}), classifier-free guidance as one UNet call on the batch
 * {@code [unconditional, conditional]}, the scheduler's update, then VAE decoding (and the vocoder
 * for audio, a per-frame decode for video).
 *
 * <p>Components are loaded once by {@link #load} and, unless the spec says {@code "warmup": false},
 * warmed up with one step at the default size. The pipeline is thread-safe; each run has its own
 * NDArray scope. Progress is reported after each step and cancellation is checked before each step.
 */
public final class DiffusionPipeline implements AutoCloseable {

    /** The most steps a run may ask for. */
    public static final int MAX_STEPS = 500;

    private final DiffusionSpec spec;
    private final Components components;
    private final PromptTokenizer tokenizer;
    private final Scheduler scheduler;
    private volatile Shape conditioningShape;

    private DiffusionPipeline(DiffusionSpec spec, Components components, PromptTokenizer tokenizer, Scheduler scheduler) {
        this.spec = spec;
        this.components = components;
        this.tokenizer = tokenizer;
        this.scheduler = scheduler;
    }

    /**
     * Loads a spec's components, tokenizer and scheduler, and warms the pipeline up.
     *
     * @throws DiffusionModelException when anything the spec names cannot be loaded
     */
    public static DiffusionPipeline load(DiffusionSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (!Files.isRegularFile(spec.schedulerConfig())) {
            throw new DiffusionModelException("scheduler config " + spec.schedulerConfig() + " of spec '" + spec.name()
                    + "' does not exist; copy the checkpoint's scheduler/scheduler_config.json there");
        }
        Scheduler scheduler;
        try {
            SchedulerConfig config = SchedulerConfig.read(spec.schedulerConfig());
            scheduler = spec.scheduler().map(name -> Scheduler.of(name, config)).orElseGet(() -> Scheduler.fromConfig(config));
        } catch (IllegalArgumentException e) {
            throw new DiffusionModelException("spec '" + spec.name() + "': " + e.getMessage(), e);
        }
        PromptTokenizer tokenizer = PromptTokenizer.load(spec.tokenizer());
        Components components;
        try {
            components = Components.load(spec);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        DiffusionPipeline pipeline = new DiffusionPipeline(spec, components, tokenizer, scheduler);
        if (spec.warmup()) {
            try {
                pipeline.warmUp();
            } catch (RuntimeException e) {
                pipeline.close();
                throw e;
            }
        }
        return pipeline;
    }

    private void warmUp() {
        DiffusionRequest.Builder request = DiffusionRequest.builder().prompt("warm up").steps(1);
        if (spec.kind() == PipelineKind.IMAGE_EDIT) {
            request.image(new BufferedImage(spec.defaults().width(), spec.defaults().height(), BufferedImage.TYPE_INT_RGB))
                    .strength(1.0);
        }
        run(request.build(), ProgressListener.NONE, Cancellation.create());
    }

    /** The spec the pipeline was loaded from. */
    public DiffusionSpec spec() {
        return spec;
    }

    /** The scheduler used when a request names none. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * The text encoder's output for a prompt: what {@link DiffusionRequest.Embedding} callers pass
     * instead of text ({@code [1, L, D]} for CLIP, {@code [1, D]} for AudioLDM's CLAP).
     */
    public DiffusionRequest.Embedding encodePrompt(String prompt) {
        try (NDManager manager = NDManager.newBaseManager(components.device(), "PyTorch")) {
            NDArray encoded = encode(Objects.requireNonNull(prompt, "prompt"), manager);
            return new DiffusionRequest.Embedding(encoded.toFloatArray(), encoded.getShape().getShape());
        }
    }

    /** The device the components run on: {@code cpu} or {@code gpu:N}. */
    public String device() {
        return components.device().isGpu() ? "gpu:" + components.device().getDeviceId() : "cpu";
    }

    /**
     * Runs the pipeline.
     *
     * @throws InvalidArgumentsException   when a value is out of range for this model (size not a multiple of the
     *                                     latent cell, an embedding of the wrong shape, an edit without an image…)
     * @throws dev.modaweave.tools.ToolCancelledException when cancelled between steps
     * @throws DiffusionModelException     when a component fails on its inputs
     */
    public DiffusionOutput run(DiffusionRequest request, ProgressListener progress, Cancellation cancellation) {
        Scheduler chosen = request.scheduler() != null ? request.scheduler() : scheduler;
        int steps = request.steps().orElse(spec.defaults().steps());
        if (steps < 1 || steps > MAX_STEPS) {
            throw new InvalidArgumentsException("steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        double guidance = request.guidanceScale().orElse(spec.defaults().guidanceScale());
        boolean cfg = guidance > 1.0;
        Schedule plan;
        try {
            plan = chosen.schedule(steps);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentsException(chosen.name() + ": " + e.getMessage());
        }
        cancellation.throwIfCancelled();
        try (NDManager manager = NDManager.newBaseManager(components.device(), "PyTorch")) {
            NDArray context = conditioning(request, cfg, manager);
            long[] shape = latentShape(request);
            TorchRandom random = new TorchRandom(request.seed());
            int start = 0;
            NDArray latents;
            if (spec.kind() == PipelineKind.IMAGE_EDIT) {
                double strength = request.strength().orElse(spec.defaults().strength());
                if (!(strength > 0 && strength <= 1)) {
                    throw new InvalidArgumentsException("strength must be in (0, 1], got " + strength);
                }
                int replayed = Math.min((int) (plan.size() * strength), plan.size());
                if (replayed < 1) {
                    throw new InvalidArgumentsException("strength " + strength + " with " + steps
                            + " steps replays no step; raise strength or steps so that strength x steps >= 1");
                }
                start = plan.size() - replayed;
                NDArray init = components.call("vae_encoder", manager, imageTensor(request, shape, manager))
                        .mul(spec.vaeScalingFactor());
                NDArray noise = manager.create(random.normal(init.getShape().getShape()), init.getShape());
                latents = plan.addNoise(init, noise, start);
            } else {
                latents = manager.create(random.normal(shape), new Shape(shape)).mul(plan.initNoiseSigma());
            }
            long loopStart = System.nanoTime();
            int total = plan.size() - start;
            long[] stepNanos = new long[total];
            long[] unetStepNanos = new long[total];
            long unetNanos;
            if (onHost(plan, start)) {
                latents = hostLoop(plan, start, latents, context, cfg, (float) guidance, random, stepNanos, unetStepNanos,
                        progress, cancellation, manager);
            } else {
                latents = tensorLoop(plan, start, latents, context, cfg, guidance, random, stepNanos, unetStepNanos,
                        progress, cancellation, manager);
            }
            unetNanos = Arrays.stream(unetStepNanos).sum();
            long loopNanos = System.nanoTime() - loopStart;
            cancellation.throwIfCancelled();
            NDArray decoded = decode(latents, request, manager);
            progress.progress(0.95, "decoded");
            return new DiffusionOutput(decoded.toFloatArray(), decoded.getShape().getShape(), latents.toFloatArray(),
                    latents.getShape().getShape(), new DiffusionOutput.Timings(total, loopNanos, unetNanos, stepNanos, unetStepNanos));
        }
    }

    /** Whether the loop runs on host arrays: on the CPU, when the schedule has an elementwise rule for every step. */
    private boolean onHost(Schedule plan, int start) {
        if (components.device().isGpu()) {
            return false;
        }
        for (int i = start; i < plan.size(); i++) {
            if (plan.hostStep(i) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The denoising loop on the CPU: the latents stay in one host array; each step creates the UNet's
     * input once (both halves of the guidance batch written directly), copies its output back once, and
     * does the guidance combine and the scheduler's update in one pass over the arrays. The arithmetic is
     * the tensor loop's, element by element in the same float order.
     */
    private NDArray hostLoop(Schedule plan, int start, NDArray initial, NDArray context, boolean cfg, float guidance,
                             TorchRandom random, long[] stepNanos, long[] unetStepNanos, ProgressListener progress,
                             Cancellation cancellation, NDManager manager) {
        long[] shape = initial.getShape().getShape();
        float[] sample = initial.toFloatArray();
        int n = sample.length;
        float[] next = new float[n];
        float[] guided = cfg ? new float[n] : null;
        float[] input = new float[cfg ? 2 * n : n];
        long[] inputShape = shape.clone();
        inputShape[0] = shape[0] * (cfg ? 2 : 1);
        Shape unetInput = new Shape(inputShape);
        float[] t = new float[(int) inputShape[0]];
        boolean video = spec.kind() == PipelineKind.TEXT_TO_VIDEO;
        int total = plan.size() - start;
        for (int i = start; i < plan.size(); i++) {
            long stepStart = System.nanoTime();
            cancellation.throwIfCancelled();
            float divisor = plan.inputDivisor(i);
            for (int k = 0; k < n; k++) {
                input[k] = divisor == 1f ? sample[k] : sample[k] / divisor;
            }
            if (cfg) {
                System.arraycopy(input, 0, input, n, n);
            }
            Arrays.fill(t, plan.timestep(i));
            float[] output;
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(input, unetInput);
                NDArray timestep = step.create(t);
                long before = System.nanoTime();
                NDArray out = components.call("unet", step, x, timestep, context);
                unetStepNanos[i - start] = System.nanoTime() - before;
                output = out.toFloatArray();
            }
            if (cfg) {
                for (int k = 0; k < n; k++) {
                    float unconditional = output[k];
                    guided[k] = unconditional + (output[n + k] - unconditional) * guidance;
                }
                output = guided;
            }
            Schedule.HostStep update = plan.hostStep(i);
            float[] noise = update.noisy() ? (video ? videoNoise(random, shape) : random.normal(shape)) : null;
            update.apply(output, sample, noise, next);
            float[] swap = sample;
            sample = next;
            next = swap;
            stepNanos[i - start] = System.nanoTime() - stepStart;
            int done = i - start + 1;
            progress.progress(0.9 * done / total, "step " + done + "/" + total);
        }
        return manager.create(sample, new Shape(shape));
    }

    /**
     * Fresh noise for video latents [B, C, F, h, w] in the order the tensor loop draws it (frames stepped
     * as a batch [B*F, C, h, w]), laid out as the latents are.
     */
    private static float[] videoNoise(TorchRandom random, long[] s) {
        int b = (int) s[0];
        int c = (int) s[1];
        int f = (int) s[2];
        int plane = (int) (s[3] * s[4]);
        float[] drawn = random.normal(s[0] * s[2], s[1], s[3], s[4]);
        float[] out = new float[drawn.length];
        for (int bi = 0; bi < b; bi++) {
            for (int fi = 0; fi < f; fi++) {
                for (int ci = 0; ci < c; ci++) {
                    int from = ((bi * f + fi) * c + ci) * plane;
                    int to = ((bi * c + ci) * f + fi) * plane;
                    System.arraycopy(drawn, from, out, to, plane);
                }
            }
        }
        return out;
    }

    /** The denoising loop over tensors (GPU runs, or a schedule without a host rule). */
    private NDArray tensorLoop(Schedule plan, int start, NDArray initial, NDArray context, boolean cfg, double guidance,
                               TorchRandom random, long[] stepNanos, long[] unetStepNanos, ProgressListener progress,
                               Cancellation cancellation, NDManager manager) {
        NDArray latents = initial;
        int total = plan.size() - start;
        for (int i = start; i < plan.size(); i++) {
            long stepStart = System.nanoTime();
            cancellation.throwIfCancelled();
            try (NDManager step = manager.newSubManager()) {
                latents.tempAttach(step);
                NDArray input = cfg ? NDArrays.concat(new NDList(latents, latents)) : latents;
                input = plan.scaleModelInput(input, i);
                float[] t = new float[(int) input.getShape().get(0)];
                Arrays.fill(t, plan.timestep(i));
                NDArray timestep = step.create(t);
                long before = System.nanoTime();
                NDArray output = components.call("unet", step, input, timestep, context);
                unetStepNanos[i - start] = System.nanoTime() - before;
                if (cfg) {
                    NDList halves = output.split(2);
                    NDArray unconditional = halves.get(0);
                    output = unconditional.add(halves.get(1).sub(unconditional).mul((float) guidance));
                }
                NDArray next = spec.kind() == PipelineKind.TEXT_TO_VIDEO
                        ? videoStep(plan, output, i, latents, random)
                        : plan.step(output, i, latents, random);
                next.attach(manager);
                latents = next;
            }
            stepNanos[i - start] = System.nanoTime() - stepStart;
            int done = i - start + 1;
            progress.progress(0.9 * done / total, "step " + done + "/" + total);
        }
        return latents;
    }

    /** ModelScope steps the frames as a batch: [1, C, F, h, w] is stepped as [F, C, h, w] (the order ancestral noise fills). */
    private static NDArray videoStep(Schedule plan, NDArray output, int index, NDArray latents, TorchRandom random) {
        long[] s = latents.getShape().getShape();
        Shape flat = new Shape(s[0] * s[2], s[1], s[3], s[4]);
        NDArray x = latents.transpose(0, 2, 1, 3, 4).reshape(flat);
        NDArray o = output.transpose(0, 2, 1, 3, 4).reshape(flat);
        return plan.step(o, index, x, random).reshape(s[0], s[2], s[1], s[3], s[4]).transpose(0, 2, 1, 3, 4);
    }

    private NDArray conditioning(DiffusionRequest request, boolean cfg, NDManager manager) {
        NDArray cond = request.promptEmbedding() != null
                ? embedding(request.promptEmbedding(), manager, "prompt_embeds")
                : encode(request.prompt(), manager);
        if (!cfg) {
            return cond;
        }
        NDArray uncond = request.negativeEmbedding() != null
                ? embedding(request.negativeEmbedding(), manager, "negative_prompt_embeds")
                : encode(request.negativePrompt(), manager);
        if (!uncond.getShape().equals(cond.getShape())) {
            throw new InvalidArgumentsException("negative embedding has shape " + uncond.getShape() + " but the prompt's has "
                    + cond.getShape() + "; they must match");
        }
        return NDArrays.concat(new NDList(uncond, cond));
    }

    private NDArray embedding(DiffusionRequest.Embedding embedding, NDManager manager, String argument) {
        Shape expected = conditioningShape;
        if (expected == null) {
            expected = encode("", manager).getShape();
            conditioningShape = expected;
        }
        Shape shape = new Shape(embedding.shape());
        if (shape.dimension() == expected.dimension() - 1) {
            shape = new Shape(1).addAll(shape);
        }
        if (!shape.equals(expected)) {
            throw new InvalidArgumentsException(argument + " has shape " + shape + " but the text encoder of '" + spec.name()
                    + "' gives " + expected);
        }
        return manager.create(embedding.values(), shape);
    }

    private NDArray encode(String text, NDManager manager) {
        PromptTokenizer.Tokens tokens = tokenizer.encode(text);
        NDArray ids = manager.create(tokens.ids(), new Shape(1, tokens.ids().length));
        if (spec.kind() == PipelineKind.TEXT_TO_AUDIO) {
            NDArray mask = manager.create(tokens.mask(), new Shape(1, tokens.mask().length));
            return components.call("text_encoder", manager, ids, mask);
        }
        return components.call("text_encoder", manager, ids);
    }

    private long[] latentShape(DiffusionRequest request) {
        int ds = spec.downscale();
        int channels = spec.latentChannels();
        return switch (spec.kind()) {
            case TEXT_TO_AUDIO -> {
                double duration = request.duration().orElse(spec.defaults().duration());
                if (!(duration > 0 && duration <= 120)) {
                    throw new InvalidArgumentsException("duration must be in (0, 120] seconds, got " + duration);
                }
                DiffusionSpec.Audio audio = spec.audio();
                int frames = (int) (duration / ((double) audio.hopLength() / audio.sampleRate()));
                frames = (int) Math.ceil(frames / (double) ds) * ds;
                if (frames < ds) {
                    throw new InvalidArgumentsException("duration " + duration + " s is shorter than one latent frame");
                }
                yield new long[]{1, channels, frames / ds, audio.melBins() / ds};
            }
            case TEXT_TO_VIDEO -> {
                int frames = request.frames().orElse(spec.defaults().frames());
                if (request.duration().isPresent()) {
                    frames = (int) Math.round(request.duration().getAsDouble() * spec.fps());
                }
                if (frames < 1 || frames > 256) {
                    throw new InvalidArgumentsException("a video needs between 1 and 256 frames, got " + frames);
                }
                yield new long[]{1, channels, frames, size(request, true) / ds, size(request, false) / ds};
            }
            default -> new long[]{1, channels, size(request, true) / ds, size(request, false) / ds};
        };
    }

    /** Height (when {@code height}) or width in pixels: the request's, the edited image's, or the default. */
    private int size(DiffusionRequest request, boolean height) {
        int ds = spec.downscale();
        int value;
        if (height ? request.height().isPresent() : request.width().isPresent()) {
            value = height ? request.height().getAsInt() : request.width().getAsInt();
            if (value % ds != 0 || value < ds || value > 4096) {
                throw new InvalidArgumentsException((height ? "height " : "width ") + value + " must be a multiple of "
                        + ds + " between " + ds + " and 4096");
            }
            return value;
        }
        if (spec.kind() == PipelineKind.IMAGE_EDIT && request.image() != null) {
            value = height ? request.image().getHeight() : request.image().getWidth();
            value = Math.max(ds, Math.min(4096, value / ds * ds));
            return value;
        }
        return height ? spec.defaults().height() : spec.defaults().width();
    }

    private NDArray imageTensor(DiffusionRequest request, long[] latentShape, NDManager manager) {
        BufferedImage image = request.image();
        if (image == null) {
            throw new InvalidArgumentsException("image-edit needs an input image");
        }
        int targetH = (int) latentShape[2] * spec.downscale();
        int targetW = (int) latentShape[3] * spec.downscale();
        BufferedImage source = image;
        if (image.getWidth() != targetW || image.getHeight() != targetH || image.getType() != BufferedImage.TYPE_INT_RGB) {
            source = new BufferedImage(targetW, targetH, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = source.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, targetW, targetH, null);
            g.dispose();
        }
        float[] values = new float[3 * targetH * targetW];
        int plane = targetH * targetW;
        for (int y = 0; y < targetH; y++) {
            for (int x = 0; x < targetW; x++) {
                int rgb = source.getRGB(x, y);
                int at = y * targetW + x;
                values[at] = ((rgb >> 16) & 0xFF) / 255f * 2f - 1f;
                values[plane + at] = ((rgb >> 8) & 0xFF) / 255f * 2f - 1f;
                values[2 * plane + at] = (rgb & 0xFF) / 255f * 2f - 1f;
            }
        }
        return manager.create(values, new Shape(1, 3, targetH, targetW));
    }

    private NDArray decode(NDArray latents, DiffusionRequest request, NDManager manager) {
        NDArray scaled = latents.div(spec.vaeScalingFactor());
        return switch (spec.kind()) {
            case TEXT_TO_AUDIO -> {
                NDArray mel = components.call("vae_decoder", manager, scaled);
                if (mel.getShape().dimension() == 4) {
                    mel = mel.squeeze(1);
                }
                NDArray wave = components.call("vocoder", manager, mel);
                DiffusionSpec.Audio audio = spec.audio();
                long keep = (long) (request.duration().orElse(spec.defaults().duration()) * audio.sampleRate());
                long have = wave.getShape().get(wave.getShape().dimension() - 1);
                yield wave.get("..., :" + Math.min(keep, have));
            }
            case TEXT_TO_VIDEO -> {
                long frames = scaled.getShape().get(2);
                NDList decoded = new NDList();
                for (long f = 0; f < frames; f++) {
                    decoded.add(components.call("vae_decoder", manager, scaled.get(":, :, " + f)));
                }
                yield NDArrays.concat(decoded);
            }
            default -> components.call("vae_decoder", manager, scaled);
        };
    }

    @Override
    public void close() {
        components.close();
        tokenizer.close();
    }
}
