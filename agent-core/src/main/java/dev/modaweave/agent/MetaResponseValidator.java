package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Checks meta-responses before anything runs: the task or tool exists, the arguments satisfy the
 * tool's JSON Schema (every violation, with JSON pointers), {@code $ref}s name an earlier call or a
 * known artifact of the right modality and sit where the schema takes an artifact, no cycles, and
 * the turn's limits hold.
 *
 * <p>Two ways to use it: {@link #validateTurn} checks a whole turn at once (calls may refer to
 * later ones as long as there is no cycle); {@link #startTurn} checks calls one by one as they
 * stream in, where a call may only refer to calls accepted before it.
 *
 * <p>Thread-safe; compiled schemas are cached per tool and compiled again when its descriptor changes.
 */
public final class MetaResponseValidator {

    /** Stands in for a referenced artifact while the schema is checked. */
    private static final String PLACEHOLDER_ARTIFACT = "art_" + "a".repeat(26);

    private final ToolCatalog catalog;
    private final TurnLimits limits;
    private final Map<String, Compiled> schemas = new ConcurrentHashMap<>();

    public MetaResponseValidator(ToolCatalog catalog, TurnLimits limits) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Validates a whole turn; artifacts from earlier turns may be referred to by id, modality unchecked. */
    public List<ValidationError> validateTurn(List<MetaResponse> calls, Set<String> knownArtifactIds) {
        Map<String, Modality> known = new HashMap<>();
        knownArtifactIds.forEach(id -> known.put(id, null));
        return validateTurn(calls, known);
    }

    /**
     * Validates a whole turn.
     *
     * @param knownArtifacts artifacts from earlier turns that calls may refer to, with their modality
     *                       (null when unknown: then it is not checked)
     * @return every problem found; empty when the turn can run
     */
    public List<ValidationError> validateTurn(List<MetaResponse> calls, Map<String, Modality> knownArtifacts) {
        List<ValidationError> errors = new ArrayList<>();
        Map<String, MetaResponse> byId = new LinkedHashMap<>();
        for (int k = 0; k < calls.size(); k++) {
            MetaResponse call = calls.get(k);
            if (k == limits.maxCalls()) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.TOO_MANY_CALLS, "",
                        "the turn has " + calls.size() + " calls; at most " + limits.maxCalls() + " are allowed"));
            }
            if (byId.putIfAbsent(call.id(), call) != null) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.DUPLICATE_ID, "",
                        "two calls have the id '" + call.id() + "'; give every call its own id"));
            }
        }
        for (MetaResponse call : calls) {
            errors.addAll(validateOne(call, id -> byId.containsKey(id)
                    ? new Target(true, outputModality(byId.get(id)))
                    : knownArtifacts.containsKey(id) ? new Target(true, knownArtifacts.get(id)) : null,
                    "a call of this turn or a known artifact"));
        }
        errors.addAll(cycles(calls, byId));
        return errors;
    }

    /** Starts validating a streamed turn, call by call. */
    public Turn startTurn(Map<String, Modality> knownArtifacts) {
        return new Turn(Map.copyOf(Objects.requireNonNull(knownArtifacts, "knownArtifacts")));
    }

    /**
     * A turn being validated call by call. Each call may refer only to calls accepted before it
     * and to known artifacts. Not thread-safe.
     */
    public final class Turn {
        private final Map<String, Modality> knownArtifacts;
        private final Map<String, MetaResponse> accepted = new LinkedHashMap<>();
        private final Set<String> rejected = new HashSet<>();
        private int seen;

        private Turn(Map<String, Modality> knownArtifacts) {
            this.knownArtifacts = knownArtifacts;
        }

        /**
         * Validates the next call. When the result is empty the call counts as accepted and later calls
         * may refer to it. A rejected call's id may be used again by its corrected version (the repair round).
         */
        public List<ValidationError> accept(MetaResponse call) {
            List<ValidationError> errors = new ArrayList<>();
            if (++seen > limits.maxCalls()) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.TOO_MANY_CALLS, "",
                        "this is call " + seen + " of the turn; at most " + limits.maxCalls() + " are allowed"));
            }
            if (accepted.containsKey(call.id())) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.DUPLICATE_ID, "",
                        "an earlier call already has the id '" + call.id() + "'; give every call its own id"));
            }
            errors.addAll(validateOne(call, id -> {
                if (accepted.containsKey(id)) {
                    return new Target(true, outputModality(accepted.get(id)));
                }
                if (knownArtifacts.containsKey(id)) {
                    return new Target(true, knownArtifacts.get(id));
                }
                return rejected.contains(id) ? new Target(false, null) : null;
            }, "an earlier call of this turn or a known artifact"));
            if (errors.isEmpty()) {
                accepted.put(call.id(), call);
                rejected.remove(call.id());
            } else {
                rejected.add(call.id());
            }
            return errors;
        }

        /** The calls accepted so far, in order. */
        public List<MetaResponse> accepted() {
            return List.copyOf(accepted.values());
        }
    }

    /** What a {@code $ref} resolved to: usable (or a rejected call), and the modality it yields. */
    private record Target(boolean usable, Modality modality) {
    }

    private interface RefResolver {
        Target resolve(String id);
    }

    private List<ValidationError> validateOne(MetaResponse call, RefResolver refs, String refScope) {
        List<ValidationError> errors = new ArrayList<>();
        int size = Json.write(call.args()).getBytes(StandardCharsets.UTF_8).length;
        if (size > limits.maxArgumentBytes()) {
            errors.add(new ValidationError(call.id(), ValidationError.Code.ARGUMENTS_TOO_LARGE, "",
                    "the arguments take " + size + " bytes; at most " + limits.maxArgumentBytes() + " are allowed"));
            return errors;
        }
        List<ToolDescriptor> candidates = candidates(call, errors);
        if (candidates.isEmpty()) {
            return errors;
        }
        Map<String, Modality> artifactArgs = schema(candidates.get(0)).artifactArguments();
        ObjectNode substituted = call.args().deepCopy();
        forEachRef(call.args(), "", (pointer, target) -> {
            String top = topLevelName(pointer);
            boolean direct = pointer.equals("/" + escape(top));
            Modality expected = artifactArgs.get(top);
            Target resolved = refs.resolve(target);
            if (resolved == null) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.DANGLING_REF, pointer,
                        "refers to '" + target + "', which is not " + refScope));
            } else if (!resolved.usable()) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.DANGLING_REF, pointer,
                        "refers to '" + target + "', a call that was rejected; fix that call first"));
            } else if (!direct || expected == null) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.REF_NOT_ALLOWED, pointer,
                        "a {\"$ref\": …} may only stand for an artifact argument"
                                + (artifactArgs.isEmpty() ? "; " + describe(call) + " takes none"
                                : "; " + describe(call) + " takes one at " + artifactArgs.keySet())));
            } else if (resolved.modality() != null && resolved.modality() != expected) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.REF_MODALITY_MISMATCH, pointer,
                        "refers to '" + target + "', which yields " + resolved.modality().wireName()
                                + ", but '" + top + "' takes " + expected.wireName()));
            }
            if (direct) {
                substituted.put(top, PLACEHOLDER_ARTIFACT);
            }
        });
        Map<ToolDescriptor, List<ArgumentsSchema.Violation>> rejections = new LinkedHashMap<>();
        for (ToolDescriptor tool : candidates) {
            List<ArgumentsSchema.Violation> violations = schema(tool).validate(substituted);
            if (violations.isEmpty()) {
                return errors;
            }
            rejections.put(tool, violations);
        }
        rejections.forEach((tool, violations) -> {
            for (ArgumentsSchema.Violation v : violations) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.SCHEMA, v.pointer(),
                        v.message() + " (schema of " + tool.name() + ")"));
            }
        });
        return errors;
    }

    /**
     * The violations of {@code args} (references already replaced by artifact ids) against the schema of
     * {@code tool}; empty when the tool accepts them.
     */
    public List<ArgumentsSchema.Violation> violations(ToolDescriptor tool, ObjectNode args) {
        return schema(tool).validate(args);
    }

    private List<ToolDescriptor> candidates(MetaResponse call, List<ValidationError> errors) {
        if (call.tool() != null) {
            var tool = catalog.byName(call.tool());
            if (tool.isEmpty()) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.UNKNOWN_TOOL, "",
                        "no tool is named '" + call.tool() + "'; available: " + names(catalog.all())));
                return List.of();
            }
            if (call.task() != null && !call.task().equals(tool.get().task())) {
                errors.add(new ValidationError(call.id(), ValidationError.Code.TASK_TOOL_MISMATCH, "",
                        "tool '" + call.tool() + "' performs '" + tool.get().task() + "', not '" + call.task() + "'"));
                return List.of();
            }
            return List.of(tool.get());
        }
        List<ToolDescriptor> tools = catalog.byTask(call.task());
        if (tools.isEmpty()) {
            errors.add(new ValidationError(call.id(), ValidationError.Code.UNKNOWN_TASK, "",
                    "no registered tool performs '" + call.task() + "'; available tasks: "
                            + catalog.all().stream().map(ToolDescriptor::task).distinct().sorted().toList()));
        }
        return tools;
    }

    private Modality outputModality(MetaResponse call) {
        if (call.tool() != null) {
            return catalog.byName(call.tool()).map(ToolDescriptor::outputModality).orElse(null);
        }
        return catalog.byTask(call.task()).stream().findFirst().map(ToolDescriptor::outputModality).orElse(null);
    }

    private ArgumentsSchema schema(ToolDescriptor tool) {
        Compiled cached = schemas.get(tool.name());
        // the same descriptor object is the common case: compare by identity before a deep comparison
        if (cached == null || cached.descriptor() != tool && !cached.descriptor().equals(tool)) {
            Object compiled;
            try {
                compiled = ArgumentsSchema.compile(tool.name(), tool.argumentsSchema());
            } catch (IllegalArgumentException e) {
                compiled = e;
            }
            cached = new Compiled(tool, compiled);
            schemas.put(tool.name(), cached);
        }
        if (cached.schema() instanceof IllegalArgumentException e) {
            throw new IllegalStateException("tool '" + tool.name() + "' was registered with an invalid schema: " + e.getMessage(), e);
        }
        return (ArgumentsSchema) cached.schema();
    }

    /** A descriptor and its compiled schema (or the reason it does not compile). */
    private record Compiled(ToolDescriptor descriptor, Object schema) {
    }

    private static List<ValidationError> cycles(List<MetaResponse> calls, Map<String, MetaResponse> byId) {
        List<ValidationError> errors = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>();
        for (MetaResponse call : calls) {
            findCycle(call.id(), byId, state, new ArrayList<>(), errors);
        }
        return errors;
    }

    /** Depth-first search; state 1 = on the current path, 2 = done. */
    private static void findCycle(String id, Map<String, MetaResponse> byId, Map<String, Integer> state,
                                  List<String> path, List<ValidationError> errors) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            errors.add(new ValidationError(id, ValidationError.Code.CYCLIC_REF, "",
                    "the calls refer to each other in a cycle: " + String.join(" → ", cycle)
                            + "; a call can only use the result of a call that does not depend on it"));
            return;
        }
        state.put(id, 1);
        path.add(id);
        for (String ref : byId.get(id).references()) {
            if (byId.containsKey(ref)) {
                findCycle(ref, byId, state, path, errors);
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
    }

    private static void forEachRef(JsonNode node, String pointer, BiConsumer<String, String> action) {
        if (MetaResponse.isReference(node)) {
            action.accept(pointer, node.get(MetaResponse.REF).asText());
        } else if (node.isObject()) {
            node.fields().forEachRemaining(f -> forEachRef(f.getValue(), pointer + "/" + escape(f.getKey()), action));
        } else if (node.isArray()) {
            for (int k = 0; k < node.size(); k++) {
                forEachRef(node.get(k), pointer + "/" + k, action);
            }
        }
    }

    private static String topLevelName(String pointer) {
        int next = pointer.indexOf('/', 1);
        String segment = next < 0 ? pointer.substring(1) : pointer.substring(1, next);
        return segment.replace("~1", "/").replace("~0", "~");
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String describe(MetaResponse call) {
        return call.tool() != null ? "tool '" + call.tool() + "'" : "task '" + call.task() + "'";
    }

    private static List<String> names(List<ToolDescriptor> tools) {
        return tools.stream().map(ToolDescriptor::name).sorted().toList();
    }
}
