package dev.modaweave.generators.diffusion.schedulers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's noise schedule as its {@code scheduler_config.json} describes it (the file a diffusers
 * checkpoint ships under {@code scheduler/}). Keys the file leaves out take the default of the
 * scheduler that uses them, as diffusers does when one scheduler is made from another's config
 * ({@code timestep_spacing} is {@code leading} for DDIM and {@code linspace} for the Euler
 * schedulers, for instance), so a Stable Diffusion 1.5 config written for PNDM drives DDIM or Euler
 * with the betas the model was trained with.
 *
 * @param className         the file's {@code _class_name} (e.g. {@code DDIMScheduler}), or empty
 * @param values            every key of the file
 */
public record SchedulerConfig(String className, ObjectNode values) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SchedulerConfig {
        Objects.requireNonNull(className, "className");
        values = Objects.requireNonNull(values, "values").deepCopy();
    }

    /** Reads a {@code scheduler_config.json}. @throws IllegalArgumentException naming the file when it is unreadable */
    public static SchedulerConfig read(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("scheduler config " + file + " is not a JSON object");
            }
            return of(object);
        } catch (IOException e) {
            throw new IllegalArgumentException("scheduler config " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A config from parsed JSON. */
    public static SchedulerConfig of(ObjectNode values) {
        return new SchedulerConfig(values.path("_class_name").asText(""), values);
    }

    /** A config from JSON text (handy in tests). */
    public static SchedulerConfig parse(String json) {
        try {
            return of((ObjectNode) JSON.readTree(json));
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("scheduler config is not a JSON object: " + e.getMessage(), e);
        }
    }

    /** This config with one key replaced (as diffusers' {@code Scheduler(**config, key=value)}). */
    public SchedulerConfig with(String key, Object value) {
        ObjectNode copy = values.deepCopy();
        copy.set(key, JSON.valueToTree(value));
        return new SchedulerConfig(className, copy);
    }

    @Override
    public ObjectNode values() {
        return values.deepCopy();
    }

    int numTrainTimesteps() {
        return integer("num_train_timesteps", 1000);
    }

    double betaStart(double fallback) {
        return number("beta_start", fallback);
    }

    double betaEnd(double fallback) {
        return number("beta_end", fallback);
    }

    String betaSchedule(String fallback) {
        return text("beta_schedule").orElse(fallback);
    }

    PredictionType predictionType() {
        return PredictionType.of(text("prediction_type").orElse("epsilon"));
    }

    String timestepSpacing(String fallback) {
        return text("timestep_spacing").orElse(fallback);
    }

    int stepsOffset() {
        return integer("steps_offset", 0);
    }

    boolean flag(String key, boolean fallback) {
        JsonNode v = values.get(key);
        return v == null || v.isNull() ? fallback : v.asBoolean();
    }

    double number(String key, double fallback) {
        JsonNode v = values.get(key);
        return v == null || v.isNull() ? fallback : v.asDouble();
    }

    int integer(String key, int fallback) {
        JsonNode v = values.get(key);
        return v == null || v.isNull() ? fallback : v.asInt();
    }

    Optional<String> text(String key) {
        JsonNode v = values.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    Optional<float[]> trainedBetas() {
        JsonNode v = values.get("trained_betas");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        float[] betas = new float[v.size()];
        for (int i = 0; i < betas.length; i++) {
            betas[i] = (float) v.get(i).asDouble();
        }
        return Optional.of(betas);
    }
}
