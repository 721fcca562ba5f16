package dev.modaweave.app.config;

import dev.modaweave.generators.djl.TorchScriptTool;
import dev.modaweave.generators.http.HttpGenerators;
import dev.modaweave.tools.GeneratorTool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools that need settings, created from the configuration's {@code tools:} section: each
 * {@code http} entry through {@link HttpGenerators#create}, each {@code djl} spec through
 * {@link TorchScriptTool#load(Path)}. A bad entry stops the start naming its position.
 */
public final class ConfiguredTools {

    /**
     * @throws ConfigException naming the entry ({@code tools.http[1]}) and the problem; tools created
     *                         before it are closed
     */
    public static List<GeneratorTool> create(ConfigLoader.Loaded loaded) {
        List<GeneratorTool> tools = new ArrayList<>();
        Path base = loaded.directory() == null ? Path.of("") : loaded.directory();
        try {
            var http = loaded.config().tools().http();
            for (int i = 0; i < http.size(); i++) {
                try {
                    tools.add(HttpGenerators.create(http.get(i), System::getenv, base));
                } catch (RuntimeException e) {
                    throw new ConfigException("tools.http[" + i + "]: " + e.getMessage(), e);
                }
            }
            var djl = loaded.config().tools().djl();
            for (int i = 0; i < djl.size(); i++) {
                try {
                    tools.add(TorchScriptTool.load(loaded.resolve(djl.get(i))));
                } catch (RuntimeException e) {
                    throw new ConfigException("tools.djl[" + i + "] (" + djl.get(i) + "): " + e.getMessage(), e);
                }
            }
            return tools;
        } catch (ConfigException e) {
            tools.forEach(GeneratorTool::close);
            throw e;
        }
    }

    private ConfiguredTools() {
    }
}
