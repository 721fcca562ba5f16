package dev.modaweave.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.ClasspathSchemaLoader;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A tool's compiled JSON Schema (draft 2020-12) for its {@code args}. Compiling checks the schema
 * itself against the meta-schema; validating reports every violation with a JSON pointer.
 *
 * <p>Schemas are closed: only the built-in meta-schemas are loaded, so a {@code $ref} to a remote
 * URL fails at compile time instead of being fetched.
 *
 * <p>An argument that takes an artifact (the image an edit starts from) is declared with
 * {@link #artifactProperty(Modality, String)}: a string holding an artifact id, annotated with
 * {@code contentMediaType} ({@code image/*}, {@code audio/*}, {@code video/*}). In a meta-response
 * such an argument may be {@code {"$ref": "<call id>"}}; see {@link #artifactArguments()}.
 */
public final class ArgumentsSchema {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaLoaders(loaders -> loaders.values(list -> {
                list.clear();
                list.add(new ClasspathSchemaLoader());
            })));
    private static final JsonSchema META_SCHEMA = FACTORY.getSchema(
            SchemaLocation.of(SpecVersion.VersionFlag.V202012.getId()), config());

    private final String owner;
    private final ObjectNode schemaNode;
    private final JsonSchema schema;
    private final Map<String, Modality> artifactArguments;

    private ArgumentsSchema(String owner, ObjectNode schemaNode, JsonSchema schema, Map<String, Modality> artifactArguments) {
        this.owner = owner;
        this.schemaNode = schemaNode;
        this.schema = schema;
        this.artifactArguments = artifactArguments;
    }

    /**
     * Compiles {@code schema}.
     *
     * @param owner  who declares it (a tool name), quoted in errors
     * @param schema the JSON Schema of the args object
     * @throws IllegalArgumentException if the schema is not a valid draft 2020-12 schema of an
     *                                  object, or refers to anything outside itself
     */
    public static ArgumentsSchema compile(String owner, ObjectNode schema) {
        Objects.requireNonNull(schema, "schema");
        List<Violation> problems = toViolations(META_SCHEMA.validate(schema));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the arguments schema of '" + owner + "' is not a valid JSON Schema: "
                    + problems);
        }
        if (!"object".equals(schema.path("type").asText())) {
            throw new IllegalArgumentException("the arguments schema of '" + owner
                    + "' must have \"type\": \"object\" (arguments are a JSON object)");
        }
        JsonSchema compiled;
        try {
            compiled = FACTORY.getSchema(schema.deepCopy(), config());
            compiled.initializeValidators();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the arguments schema of '" + owner + "' cannot be compiled: "
                    + e.getMessage() + " (remote $refs are not fetched; inline them or use $defs)", e);
        }
        Map<String, Modality> artifacts = new LinkedHashMap<>();
        schema.path("properties").fields().forEachRemaining(field -> {
            String media = field.getValue().path("contentMediaType").asText("");
            int slash = media.indexOf('/');
            if (slash > 0) {
                String major = media.substring(0, slash);
                if (major.equals("image") || major.equals("audio") || major.equals("video")) {
                    artifacts.put(field.getKey(), Modality.fromWireName(major));
                }
            }
        });
        return new ArgumentsSchema(owner, schema.deepCopy(), compiled, Map.copyOf(artifacts));
    }

    /** Every violation of {@code args}, sorted by pointer; empty when valid. */
    public List<Violation> validate(JsonNode args) {
        if (args == null || !args.isObject()) {
            return List.of(new Violation("", "arguments must be a JSON object, got "
                    + (args == null ? "nothing" : args.getNodeType().toString().toLowerCase(java.util.Locale.ROOT))));
        }
        return toViolations(schema.validate(args));
    }

    /**
     * @throws InvalidArgumentsException listing every violation
     */
    public void requireValid(JsonNode args) {
        List<Violation> violations = validate(args);
        if (!violations.isEmpty()) {
            throw new InvalidArgumentsException("arguments for '" + owner + "' are invalid: " + violations);
        }
    }

    /** The arguments that take an artifact, by name, with the modality they expect. */
    public Map<String, Modality> artifactArguments() {
        return artifactArguments;
    }

    /** The modality an artifact argument expects. */
    public Optional<Modality> artifactModality(String argument) {
        return Optional.ofNullable(artifactArguments.get(argument));
    }

    /** The schema as declared. */
    public ObjectNode node() {
        return schemaNode.deepCopy();
    }

    /**
     * A property schema for an argument that takes an artifact of {@code modality}.
     *
     * @param description shown in the tool catalog
     */
    public static ObjectNode artifactProperty(Modality modality, String description) {
        ObjectNode p = Json.object();
        p.put("type", "string");
        p.put("pattern", "^art_[a-z2-7]{26}$");
        p.put("contentMediaType", modality.wireName() + "/*");
        p.put("description", description);
        return p;
    }

    /**
     * One schema violation.
     *
     * @param pointer JSON pointer of the offending value in the args ({@code ""} for the object itself)
     * @param message what is wrong
     */
    public record Violation(String pointer, String message) {
        @Override
        public String toString() {
            return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
        }
    }

    private static SchemaValidatorsConfig config() {
        return SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).formatAssertionsEnabled(true).build();
    }

    private static List<Violation> toViolations(Set<ValidationMessage> messages) {
        return messages.stream()
                .map(m -> new Violation(m.getInstanceLocation().toString(), stripLocation(m)))
                .sorted(Comparator.comparing(Violation::pointer).thenComparing(Violation::message))
                .toList();
    }

    private static String stripLocation(ValidationMessage m) {
        String text = m.getMessage();
        String location = m.getInstanceLocation().toString();
        if (text.startsWith(location + ": ")) {
            return text.substring(location.length() + 2);
        }
        return text;
    }
}
