package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.ToolSettings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes latent-diffusion tools from configuration: kind {@code diffusion}, the setting {@code spec}
 * names the pipeline's spec file (relative to the configuration file); {@code name}, {@code device},
 * {@code scheduler} and {@code capacity} override the spec's values for this deployment.
 *
 * <pre>{@code
 * tools:
 *   backends:
 *     - backend: diffusion
 *       name: sd-turbo
 *       spec: models/sd-turbo/sd-turbo.json
 *       device: gpu
 * }</pre>
 */
public final class DiffusionToolFactory implements GeneratorToolFactory {

    @Override
    public String kind() {
        return "diffusion";
    }

    @Override
    public String description() {
        return "Stable Diffusion, img2img, AudioLDM and text-to-video pipelines run in-process on DJL's PyTorch engine (CPU or GPU) from exported TorchScript components";
    }

    @Override
    public GeneratorTool create(ToolSettings settings) {
        Path spec = settings.path("spec").orElseThrow(() -> new IllegalArgumentException(
                "backend 'diffusion' needs the setting 'spec': the path of a diffusion spec file (JSON)"));
        Optional<Integer> capacity = Optional.empty();
        Optional<String> capacityText = settings.text("capacity");
        if (capacityText.isPresent()) {
            try {
                capacity = Optional.of(Integer.parseInt(capacityText.get().trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("backend 'diffusion' setting 'capacity' must be a whole number, got '" + capacityText.get() + "'");
            }
        }
        DiffusionSpec read = DiffusionSpec.read(spec);
        DiffusionSpec configured;
        try {
            configured = read.with(settings.name(), settings.text("device"), settings.text("scheduler"), capacity);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backend 'diffusion' (" + spec + "): " + e.getMessage(), e);
        }
        return DiffusionTool.load(configured);
    }
}
