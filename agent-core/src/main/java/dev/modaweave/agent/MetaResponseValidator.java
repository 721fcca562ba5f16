package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stand-in with the agreed signature until the validator lands: catalog, schema and reference checks. */
public final class MetaResponseValidator {

    private final ToolCatalog catalog;
    private final TurnLimits limits;

    public MetaResponseValidator(ToolCatalog catalog, TurnLimits limits) {
        this.catalog = catalog;
        this.limits = limits;
    }

    /** Every problem of the turn's calls; empty when they may run. */
    public List<ValidationError> validateTurn(List<MetaResponse> calls, Set<String> knownArtifactIds) {
        List<ValidationError> errors = new ArrayList<>();
        if (calls.size() > limits.maxCalls()) {
            errors.add(new ValidationError("", "too many calls: " + calls.size()));
        }
        Set<String> earlier = new HashSet<>();
        for (MetaResponse call : calls) {
            Optional<ToolDescriptor> tool = call.tool() != null ? catalog.byName(call.tool())
                    : catalog.byTask(call.task()).stream().findFirst();
            if (tool.isEmpty()) {
                errors.add(new ValidationError(call.id(), "no tool for " + call.task()));
                continue;
            }
            ObjectNode args = call.args().deepCopy();
            for (String ref : call.references()) {
                if (!earlier.contains(ref) && !knownArtifactIds.contains(ref)) {
                    errors.add(new ValidationError(call.id(), "dangling $ref " + ref));
                }
            }
            args.fields().forEachRemaining(f -> {
                JsonNode v = f.getValue();
                if (MetaResponse.isReference(v)) {
                    f.setValue(args.textNode("art_aaaaaaaaaaaaaaaaaaaaaaaaaa"));
                }
            });
            ArgumentsSchema.compile(tool.get().name(), tool.get().argumentsSchema()).validate(args)
                    .forEach(v -> errors.add(new ValidationError(call.id(), v.toString())));
            if (!earlier.add(call.id())) {
                errors.add(new ValidationError(call.id(), "duplicate id"));
            }
        }
        return errors;
    }
}
