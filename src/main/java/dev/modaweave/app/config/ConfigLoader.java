package dev.modaweave.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finds and reads {@code modaweave.yaml}: the path given with {@code --config}, else the one named by
 * {@code MODAWEAVE_CONFIG}, else {@code ./modaweave.yaml} when it exists, else the defaults. Unknown
 * keys and bad values are refused at start with the key's path and what is allowed.
 */
public final class ConfigLoader {

    /** The environment variable that may name the configuration file. */
    public static final String ENV = "MODAWEAVE_CONFIG";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * @param explicit the {@code --config} path, or null
     * @param env      the environment (for {@link #ENV})
     * @throws ConfigException naming the file, the key and the problem
     */
    public static Loaded load(Path explicit, Map<String, String> env) {
        Path file = explicit;
        if (file == null && env.get(ENV) != null && !env.get(ENV).isBlank()) {
            file = Path.of(env.get(ENV));
        }
        if (file == null) {
            Path local = Path.of("modaweave.yaml");
            if (!Files.isRegularFile(local)) {
                return new Loaded(ModaweaveConfig.defaults(), null);
            }
            file = local;
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        return new Loaded(parse(text, file.toString()), file.toAbsolutePath().getParent());
    }

    /** Parses YAML text; {@code source} names it in errors. */
    public static ModaweaveConfig parse(String text, String source) {
        if (text.isBlank()) {
            return ModaweaveConfig.defaults();
        }
        try {
            ModaweaveConfig config = YAML.readValue(text, ModaweaveConfig.class);
            return config == null ? ModaweaveConfig.defaults() : config;
        } catch (UnrecognizedPropertyException e) {
            String allowed = e.getKnownPropertyIds() == null ? "" : "; allowed here: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(source + ": unknown key '" + path(e) + "'" + allowed, e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigException(source + ": " + withPath(path(e), cause.getMessage()), e);
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": bad value at '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(source + ": not valid YAML" + (loc == null ? "" : " at line " + loc.getLineNr())
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String withPath(String path, String message) {
        return message != null && !path.isEmpty() && !message.contains(path) ? path + ": " + message : String.valueOf(message);
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /**
     * A loaded configuration.
     *
     * @param config    the values
     * @param directory the configuration file's directory (relative paths in it resolve against it), or null for the defaults
     */
    public record Loaded(ModaweaveConfig config, Path directory) {
        /** A path from the configuration, resolved against the file's directory. */
        public Path resolve(String path) {
            Path p = ModaweaveConfig.home(path);
            return directory == null || p.isAbsolute() ? p : directory.resolve(p);
        }
    }

    private ConfigLoader() {
    }
}
