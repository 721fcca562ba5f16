package dev.modaweave.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The settings of one configured tool, as a {@link GeneratorToolFactory} receives them: the entry of
 * {@code tools.backends} (a JSON object), the directory its relative paths resolve against (the
 * configuration file's), and the environment secrets are read from ({@code apiKeyEnv: VAR} names a
 * variable; the value never appears in the file).
 *
 * @param values        the entry's keys; a copy
 * @param baseDirectory where relative paths in the entry resolve
 * @param environment   looks up environment variables (the process environment, or a test's map)
 */
public record ToolSettings(ObjectNode values, Path baseDirectory, Function<String, String> environment) {

    public ToolSettings {
        values = Objects.requireNonNull(values, "values").deepCopy();
        baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory").toAbsolutePath();
        Objects.requireNonNull(environment, "environment");
    }

    /** Settings read with the process environment, relative paths against {@code baseDirectory}. */
    public static ToolSettings of(ObjectNode values, Path baseDirectory) {
        return new ToolSettings(values, baseDirectory, System::getenv);
    }

    @Override
    public ObjectNode values() {
        return values.deepCopy();
    }

    /** The backend kind ({@code backend:}). */
    public String kind() {
        return values.path("backend").asText("");
    }

    /** The tool name ({@code name:}), or empty when the entry leaves it to the factory's default. */
    public Optional<String> name() {
        return text("name");
    }

    /** A text setting, or empty when absent or null. */
    public Optional<String> text(String key) {
        JsonNode v = values.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    /** A required text setting. @throws IllegalArgumentException naming the key when it is absent */
    public String requireText(String key) {
        return text(key).filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "backend '" + kind() + "' needs the setting '" + key + "'"));
    }

    /**
     * Refuses keys the factory does not take, so that a misspelt one does not go unnoticed.
     *
     * @param known every key the factory reads, {@code backend} and {@code name} included
     * @throws IllegalArgumentException naming the unknown keys and listing the known ones
     */
    public void requireOnly(Set<String> known) {
        Set<String> unknown = new TreeSet<>();
        values.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("backend '" + kind() + "': unknown setting" + (unknown.size() > 1 ? "s " : " ")
                    + unknown + "; known settings are " + new TreeSet<>(known));
        }
    }

    /** A path setting resolved against {@link #baseDirectory()}, or empty. */
    public Optional<Path> path(String key) {
        return text(key).map(p -> baseDirectory.resolve(p).normalize());
    }

    /** The value of the environment variable a setting names (e.g. {@code apiKeyEnv}), or empty. */
    public Optional<String> secret(String envKey) {
        return text(envKey).map(environment).filter(s -> !s.isEmpty());
    }
}
