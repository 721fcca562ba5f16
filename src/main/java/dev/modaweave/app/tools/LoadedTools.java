package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.modaweave.app.UsageException;
import dev.modaweave.generators.diffusion.DiffusionTool;
import dev.modaweave.generators.djl.TorchScriptTool;
import dev.modaweave.generators.http.HttpGenerators;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The tools the command line can run directly: every {@link GeneratorTool} found by the
 * {@link ServiceLoader}, plus the tool {@code --config} describes: a DJL TorchScript spec file, a latent-diffusion
 * pipeline spec, or an
 * HTTP generator's settings (a JSON object with {@code "backend"}, see generators/http/README.md).
 * Closing closes them all.
 */
final class LoadedTools implements AutoCloseable {

    private final Map<String, GeneratorTool> byName;

    private LoadedTools(Map<String, GeneratorTool> byName) {
        this.byName = byName;
    }

    /**
     * @param config a TorchScript spec file or HTTP generator settings, or null
     * @throws UsageException when two tools share a name, or the config is not a usable spec
     */
    static LoadedTools load(Path config) {
        Map<String, GeneratorTool> tools = new LinkedHashMap<>();
        try {
            for (GeneratorTool tool : ServiceLoader.load(GeneratorTool.class)) {
                add(tools, tool);
            }
            if (config != null) {
                add(tools, fromConfig(config));
            }
        } catch (ServiceConfigurationError e) {
            closeAll(tools.values());
            throw new IllegalStateException("a generator tool could not be created: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(tools.values());
            throw e;
        }
        return new LoadedTools(tools);
    }

    Collection<GeneratorTool> all() {
        return byName.values();
    }

    Optional<GeneratorTool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    @Override
    public void close() {
        closeAll(byName.values());
    }

    private static void add(Map<String, GeneratorTool> tools, GeneratorTool tool) {
        String name = tool.descriptor().name();
        GeneratorTool previous = tools.putIfAbsent(name, tool);
        if (previous != null) {
            throw new UsageException("two tools are named '" + name + "': " + previous.getClass().getName() + " and "
                    + tool.getClass().getName() + "; rename one or remove its META-INF/services line");
        }
    }

    private static GeneratorTool fromConfig(Path config) {
        JsonNode node;
        try {
            node = Json.parse(Files.readString(config));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read --config " + config + " as JSON: " + e.getMessage(), e);
        }
        if (node.has("backend")) {
            return httpGenerator(config, node);
        }
        if (node.has("pipeline") && node.has("components")) {
            try {
                return DiffusionTool.load(config);
            } catch (ToolException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }
        if (!node.has("model") || !node.has("output")) {
            throw new UsageException("--config " + config + " is not a TorchScript spec (no \"model\" and \"output\") nor HTTP"
                    + " generator settings (no \"backend\") nor a diffusion spec (no \"pipeline\" and \"components\");"
                    + " see generators/djl/README.md, generators/http/README.md and generators/diffusion/README.md");
        }
        try {
            return TorchScriptTool.load(config);
        } catch (ToolException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static GeneratorTool httpGenerator(Path config, JsonNode node) {
        if (!node.isObject()) {
            throw new UsageException("--config " + config + " must be a JSON object of settings");
        }
        Map<String, Object> settings = Json.MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() { });
        Path directory = config.toAbsolutePath().getParent();
        try {
            return HttpGenerators.create(settings, System::getenv, directory);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException("--config " + config + ": " + e.getMessage(), e);
        }
    }

    private static void closeAll(Collection<GeneratorTool> tools) {
        for (GeneratorTool tool : tools) {
            try {
                tool.close();
            } catch (Exception e) {
                // closing one tool must not keep the others open
            }
        }
    }
}
