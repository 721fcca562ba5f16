package dev.modaweave.generators.diffusion.internal;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import dev.modaweave.generators.diffusion.DiffusionModelException;
import dev.modaweave.generators.diffusion.DiffusionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TorchScript components of one pipeline, loaded once on one device: each file is loaded a
 * single time even when several components call different methods of it ({@code vae.pt#encode},
 * {@code vae.pt#decode}, called through DJL's {@code module_method:} input). Floating inputs of rank 2
 * or more are cast to the component's dtype (float16 traces on a GPU), timestep vectors stay float32,
 * and outputs come back as float32.
 */
public final class Components implements AutoCloseable {

    private final Device device;
    private final Map<String, Bound> components;
    private final List<ZooModel<NDList, NDList>> models;

    private record Bound(ZooModel<NDList, NDList> model, String method, DataType dtype, Path file) {
    }

    private Components(Device device, Map<String, Bound> components, List<ZooModel<NDList, NDList>> models) {
        this.device = device;
        this.components = components;
        this.models = models;
    }

    /**
     * Loads every component of a spec on the device it asks for.
     *
     * @throws DiffusionModelException when the device cannot be served or a file is missing or not TorchScript
     */
    public static Components load(DiffusionSpec spec) {
        boolean gpu = chooseGpu(spec);
        Device device = gpu ? Device.gpu() : Device.cpu();
        Map<Path, ZooModel<NDList, NDList>> byFile = new HashMap<>();
        Map<String, Bound> bound = new LinkedHashMap<>();
        List<ZooModel<NDList, NDList>> models = new ArrayList<>();
        try {
            for (var entry : spec.components().entrySet()) {
                DiffusionSpec.Variant variant = entry.getValue().forDevice(gpu).orElseThrow();
                Path file = variant.file().path();
                ZooModel<NDList, NDList> model = byFile.get(file);
                if (model == null) {
                    model = loadFile(spec, entry.getKey(), file, device);
                    byFile.put(file, model);
                    models.add(model);
                }
                bound.put(entry.getKey(), new Bound(model, variant.file().method(), dtype(variant.dtype()), file));
            }
        } catch (RuntimeException e) {
            models.forEach(ZooModel::close);
            throw e;
        }
        return new Components(device, bound, models);
    }

    private static boolean chooseGpu(DiffusionSpec spec) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        boolean allGpu = spec.components().values().stream().allMatch(c -> c.forDevice(true).isPresent());
        boolean allCpu = spec.components().values().stream().allMatch(c -> c.forDevice(false).isPresent());
        String cudaHint = "the PyTorch engine sees no GPU (the CPU build of libtorch is loaded). For CUDA, install a libtorch "
                + "built for your CUDA version and point PYTORCH_LIBRARY_PATH at its lib directory (see the diffusion module README)";
        switch (spec.device()) {
            case "gpu" -> {
                if (gpus == 0) {
                    throw new DiffusionModelException("spec '" + spec.name() + "' asks for \"device\": \"gpu\" but " + cudaHint
                            + "; or set \"device\": \"cpu\" with CPU traces of the components");
                }
                if (!allGpu) {
                    throw new DiffusionModelException("spec '" + spec.name() + "' asks for \"device\": \"gpu\" but not every component "
                            + "has a gpu file (keys gpu or gpu-float16); export the GPU traces with scripts/export_diffusers.py --device cuda");
                }
                return true;
            }
            case "cpu" -> {
                if (!allCpu) {
                    throw new DiffusionModelException("spec '" + spec.name() + "' asks for \"device\": \"cpu\" but not every component "
                            + "has a cpu file; a trace is bound to the device it was made on, so export CPU traces too");
                }
                return false;
            }
            default -> {
                if (gpus > 0 && allGpu) {
                    return true;
                }
                if (allCpu) {
                    return false;
                }
                throw new DiffusionModelException("spec '" + spec.name() + "' has only GPU traces for some components but " + cudaHint
                        + "; or add cpu files to every component");
            }
        }
    }

    private static ZooModel<NDList, NDList> loadFile(DiffusionSpec spec, String component, Path file, Device device) {
        if (!Files.isRegularFile(file)) {
            throw new DiffusionModelException("component '" + component + "' of spec '" + spec.name() + "': file " + file
                    + " does not exist; paths are relative to the spec file");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file)
                .optEngine("PyTorch")
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .optOption("mapLocation", "true")
                .build();
        try {
            return criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
            throw new DiffusionModelException("component '" + component + "' of spec '" + spec.name() + "': " + file
                    + " cannot be loaded as TorchScript: " + firstLine(e) + "; export it with scripts/export_diffusers.py", e);
        }
    }

    private static DataType dtype(String name) {
        return switch (name) {
            case "float16" -> DataType.FLOAT16;
            case "bfloat16" -> DataType.BFLOAT16;
            default -> DataType.FLOAT32;
        };
    }

    /** The device the components run on. */
    public Device device() {
        return device;
    }

    /** Whether a component of that name was loaded. */
    public boolean has(String component) {
        return components.containsKey(component);
    }

    /**
     * Calls a component and returns its first output as float32.
     *
     * @throws DiffusionModelException when the component rejects the inputs
     */
    public NDArray call(String component, NDManager manager, NDArray... inputs) {
        Bound b = components.get(component);
        if (b == null) {
            throw new DiffusionModelException("no component '" + component + "' is loaded");
        }
        NDList list = new NDList(inputs.length + 1);
        if (!b.method().equals("forward")) {
            NDArray marker = manager.create(0f);
            marker.setName("module_method:" + b.method());
            list.add(marker);
        }
        for (NDArray input : inputs) {
            // activations (latents, text states, images) take the trace's dtype; a timestep vector stays
            // float32 as diffusers passes it, so float16 traces do not round 887.9 to 888
            boolean activation = input.getDataType().isFloating() && input.getShape().dimension() >= 2;
            list.add(activation && input.getDataType() != b.dtype() ? input.toType(b.dtype(), false) : input);
        }
        try {
            NDList out = b.model().getBlock().forward(new ParameterStore(manager, false), list, false);
            if (out.isEmpty()) {
                throw new DiffusionModelException("component '" + component + "' (" + b.file() + ") returned no tensor");
            }
            NDArray first = out.get(0);
            return first.getDataType() == DataType.FLOAT32 ? first : first.toType(DataType.FLOAT32, false);
        } catch (EngineException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new DiffusionModelException("component '" + component + "' (" + b.file() + (b.method().equals("forward") ? "" : "#" + b.method())
                    + ") failed on inputs " + shapes(inputs) + ": " + firstLine(e), e);
        }
    }

    private static String shapes(NDArray[] inputs) {
        List<String> out = new ArrayList<>();
        for (NDArray a : inputs) {
            out.add(a.getDataType() + a.getShape().toString());
        }
        return out.toString();
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        models.forEach(ZooModel::close);
    }
}
