package dev.modaweave.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.app.UsageException;
import dev.modaweave.tools.Json;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code --config FILE} option every command shares (a picocli {@code @Mixin}): the configuration is
 * found the same way everywhere, {@code --config}, else {@code $MODAWEAVE_CONFIG}, else
 * {@code ./modaweave.yaml} when it exists, else the defaults (see {@link ConfigLoader}).
 */
public final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file, modaweave.yaml (default: $MODAWEAVE_CONFIG, else ./modaweave.yaml when present).")
    Path file;

    /** The {@code --config} path, or null when the option was not given. */
    public Path file() {
        return file;
    }

    /** Loads the configuration with the process environment. @throws UsageException naming the file and the key */
    public ConfigLoader.Loaded load() {
        return load(System.getenv());
    }

    /** Loads the configuration. @throws UsageException naming the file and the key */
    public ConfigLoader.Loaded load(Map<String, String> env) {
        try {
            return ConfigLoader.load(file, env);
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage() + toolSpecHint(), e);
        }
    }

    /** When {@code --config} names the settings of one tool, as it did in earlier releases, says where they now go. */
    private String toolSpecHint() {
        if (file == null || !Files.isRegularFile(file)) {
            return "";
        }
        JsonNode node;
        try {
            node = Json.parse(Files.readString(file));
        } catch (IOException | IllegalArgumentException e) {
            return "";
        }
        if (node.has("backend")) {
            return "; " + file + " holds the settings of one tool: in modaweave.yaml they are one entry of tools.backends"
                    + " ({tools: {backends: [{backend: " + node.path("backend").asText() + ", …}]}})";
        }
        if (node.has("model") && node.has("output")) {
            return "; " + file + " is a TorchScript spec: name it from modaweave.yaml as {tools: {backends: [{backend: torchscript, spec: "
                    + file + "}]}}";
        }
        return "";
    }
}
