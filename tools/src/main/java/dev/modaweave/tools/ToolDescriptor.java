package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a generator tool is and what it accepts: the dispatcher validates every call against
 * {@link #argumentsSchema()}, and the prompt catalog shows the LLM {@link #description()} and
 * {@link #example()}.
 *
 * @param name             unique tool name, e.g. {@code "sdxl-comfy"}; lower-case letters, digits and {@code -_.}
 * @param task             the task the tool performs, e.g. {@link Tasks#TEXT_TO_IMAGE}
 * @param inputModalities  the modalities it consumes (text for a prompt, image for an edit…)
 * @param outputModality   the modality of the artifact it produces
 * @param argumentsSchema  JSON Schema (draft 2020-12) of the call's {@code args} object
 * @param description      one or two sentences for the tool catalog
 * @param example          a valid {@code args} object shown to the LLM as an example
 * @param capacity         how many calls one worker of this tool runs at once (bulkhead size), at least 1
 * @param preview          true for tools whose output is a stand-in (deterministic previews), not a real model's
 * @param priority         among tools of one task that accept a call, a higher priority is chosen first (default 0);
 *                         set per deployment in {@code modaweave.yaml}, not by the tool's author
 */
public record ToolDescriptor(
        String name,
        String task,
        Set<Modality> inputModalities,
        Modality outputModality,
        ObjectNode argumentsSchema,
        String description,
        ObjectNode example,
        int capacity,
        boolean preview,
        int priority) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    public ToolDescriptor {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name '" + name
                    + "' is invalid; use 1-64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        if (!Tasks.isWellFormed(task)) {
            throw new IllegalArgumentException("tool '" + name + "' declares task '" + task
                    + "'; a task is lower-case words joined by '-', e.g. text-to-image");
        }
        inputModalities = Set.copyOf(Objects.requireNonNull(inputModalities, "inputModalities"));
        Objects.requireNonNull(outputModality, "outputModality");
        Objects.requireNonNull(argumentsSchema, "argumentsSchema");
        argumentsSchema = argumentsSchema.deepCopy();
        description = Objects.requireNonNullElse(description, "");
        example = example == null ? null : example.deepCopy();
        if (capacity < 1) {
            throw new IllegalArgumentException("tool '" + name + "' has capacity " + capacity + "; it must be at least 1");
        }
    }

    /** The arguments' JSON Schema; a copy, so callers cannot change the descriptor. */
    @Override
    public ObjectNode argumentsSchema() {
        return argumentsSchema.deepCopy();
    }

    /** The example arguments (a copy), or null. */
    @Override
    public ObjectNode example() {
        return example == null ? null : example.deepCopy();
    }

    /** The event-bus address a worker of this tool consumes. */
    public String address() {
        return EventBusAddresses.tool(name);
    }

    /** This descriptor with another routing priority (set from the deployment's configuration). */
    public ToolDescriptor withPriority(int priority) {
        return new ToolDescriptor(name, task, inputModalities, outputModality, argumentsSchema, description, example,
                capacity, preview, priority);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for descriptors; {@code capacity} defaults to 1, {@code preview} to false and {@code priority} to 0. */
    public static final class Builder {
        private String name;
        private String task;
        private Set<Modality> inputModalities = Set.of(Modality.TEXT);
        private Modality outputModality;
        private ObjectNode argumentsSchema;
        private String description = "";
        private ObjectNode example;
        private int capacity = 1;
        private boolean preview;
        private int priority;

        public Builder name(String name) { this.name = name; return this; }
        public Builder task(String task) { this.task = task; return this; }
        public Builder inputModalities(Modality... modalities) { this.inputModalities = Set.of(modalities); return this; }
        public Builder inputModalities(Set<Modality> modalities) { this.inputModalities = modalities; return this; }
        public Builder outputModality(Modality modality) { this.outputModality = modality; return this; }
        public Builder argumentsSchema(ObjectNode schema) { this.argumentsSchema = schema; return this; }
        public Builder description(String description) { this.description = description; return this; }
        public Builder example(ObjectNode example) { this.example = example; return this; }
        public Builder capacity(int capacity) { this.capacity = capacity; return this; }
        public Builder preview(boolean preview) { this.preview = preview; return this; }
        public Builder priority(int priority) { this.priority = priority; return this; }

        public ToolDescriptor build() {
            return new ToolDescriptor(name, task, inputModalities, outputModality, argumentsSchema,
                    description, example, capacity, preview, priority);
        }
    }
}
