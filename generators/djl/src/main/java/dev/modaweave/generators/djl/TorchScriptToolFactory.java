package dev.modaweave.generators.djl;

import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.ToolSettings;

import java.nio.file.Path;
import java.util.Set;

/**
 * {@code backend: torchscript}: a {@link TorchScriptTool} from a spec file. The entry's
 * {@code spec:} key is the spec file's path, relative to the configuration file's directory; the
 * tool's name, task and model come from the spec, so {@code name:} may only repeat the spec's name.
 *
 * <pre>{@code
 * tools:
 *   backends:
 *     - backend: torchscript
 *       spec: models/tiny-image.json
 * }</pre>
 */
public final class TorchScriptToolFactory implements GeneratorToolFactory {

    /** The kind this factory makes. */
    public static final String KIND = "torchscript";

    private static final Set<String> KEYS = Set.of("backend", "name", "spec");

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "A TorchScript generator run with DJL's PyTorch engine, described by a spec file (spec: path).";
    }

    @Override
    public GeneratorTool create(ToolSettings settings) {
        settings.requireOnly(KEYS);
        settings.requireText("spec");
        Path spec = settings.path("spec").orElseThrow();
        TorchScriptTool tool = TorchScriptTool.load(spec);
        String wanted = settings.name().orElse(tool.descriptor().name());
        if (!wanted.equals(tool.descriptor().name())) {
            tool.close();
            throw new IllegalArgumentException("backend 'torchscript': name '" + wanted + "' differs from the name '"
                    + tool.descriptor().name() + "' in " + spec + "; the spec file names the tool, so drop 'name' or change the spec");
        }
        return tool;
    }
}
