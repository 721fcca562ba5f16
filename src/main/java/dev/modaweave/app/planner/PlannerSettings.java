package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a planner model and its label maps, stored with its parameters.
 *
 * @param buckets   hash buckets of word and trigram features
 * @param slots     feature slots per token: the word and at most {@code slots - 1} trigrams
 * @param dim       embedding width
 * @param hidden    LSTM state size per direction
 * @param maxTokens longest request read, in tokens (longer ones are cut)
 * @param sentence  width of the sentence embedding fed to the network (0: none)
 * @param context   width of the contextual state fed to the network per token (0: none)
 * @param dropout   share of the hashed token embeddings dropped while training, so that the network
 *                  also learns to read the contextual states
 * @param tasks     the tasks the call head scores, in order
 * @param anyCall   whether the call head also scores "any call at all" (a no-call head, trained on
 *                  requests that need no call, media words or not) and pools the LSTM states by
 *                  attention besides the max
 */
record PlannerSettings(int buckets, int slots, int dim, int hidden, int maxTokens, int sentence, int context, float dropout,
                       List<String> tasks, boolean anyCall) {

    /** The tasks of the shipped planner. */
    static final List<String> TASKS = List.of(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_VIDEO, Tasks.TEXT_TO_AUDIO,
            Tasks.TEXT_TO_SPEECH, Tasks.IMAGE_EDIT);

    PlannerSettings {
        tasks = List.copyOf(tasks);
    }

    static PlannerSettings defaults() {
        return new PlannerSettings(1 << 15, 10, 64, 64, 96, MiniLmFeatures.WIDTH, MiniLmFeatures.WIDTH, 0.25f, TASKS, true);
    }

    /** Outputs of the call head: one per task, and one for "any call" when {@link #anyCall()}. */
    int callOutputs() {
        return tasks.size() + (anyCall ? 1 : 0);
    }

    /** The BIO tags: {@code O}, then {@code B-task} and {@code I-task} for each task. */
    List<String> tags() {
        List<String> tags = new ArrayList<>();
        tags.add("O");
        for (String t : tasks) {
            tags.add("B-" + t);
            tags.add("I-" + t);
        }
        return tags;
    }

    static int beginTag(int task) {
        return 1 + 2 * task;
    }

    static int insideTag(int task) {
        return 2 + 2 * task;
    }

    /** The task index a tag belongs to; -1 for {@code O}. */
    static int taskOfTag(int tag) {
        return tag == 0 ? -1 : (tag - 1) / 2;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("buckets", buckets).put("slots", slots).put("dim", dim).put("hidden", hidden)
                .put("maxTokens", maxTokens).put("sentence", sentence).put("context", context).put("dropout", dropout)
                .put("anyCall", anyCall);
        tasks.forEach(o.putArray("tasks")::add);
        return o;
    }

    static PlannerSettings fromJson(JsonNode o) {
        List<String> tasks = new ArrayList<>();
        o.path("tasks").forEach(t -> tasks.add(t.asText()));
        return new PlannerSettings(o.path("buckets").asInt(), o.path("slots").asInt(), o.path("dim").asInt(),
                o.path("hidden").asInt(), o.path("maxTokens").asInt(), o.path("sentence").asInt(), o.path("context").asInt(),
                (float) o.path("dropout").asDouble(), tasks, o.path("anyCall").asBoolean(false));
    }
}
