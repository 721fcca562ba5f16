package dev.modaweave.agent.internal;

import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.modaweave.agent.InputProjector;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Captions media with the registered {@code image-to-text} / {@code audio-to-text} / {@code video-to-text} tool, called
 * through the dispatcher, and inserts {@code [image art_…: caption]} for a text-only model. A medium
 * no tool can caption is named with the reason instead, never dropped.
 */
public final class CaptionProjector implements InputProjector {
    private static final long TIMEOUT_MS = 120_000;
    private final Vertx vertx;
    private final ArtifactStore store;

    public CaptionProjector(Vertx vertx, ArtifactStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    @Override
    public Future<List<Content>> project(List<Artifact> media) {
        List<Future<String>> captions = new ArrayList<>();
        for (Artifact a : media) {
            captions.add(caption(a).map(c -> "[" + a.modality().wireName() + " " + a.id() + ": " + c + "]"));
        }
        return Future.all(captions).map(all -> {
            List<Content> out = new ArrayList<>();
            for (Future<String> f : captions) {
                out.add(new TextContent(f.result()));
            }
            return out;
        });
    }

    private Future<String> caption(Artifact a) {
        String task = switch (a.modality()) {
            case IMAGE -> Tasks.IMAGE_TO_TEXT;
            case AUDIO -> Tasks.AUDIO_TO_TEXT;
            case VIDEO -> Tasks.VIDEO_TO_TEXT;
            default -> null;
        };
        if (task == null) {
            return Future.succeededFuture("no captioning tool takes " + a.modality().wireName());
        }
        String argument = a.modality().wireName();
        JsonObject call = new JsonObject().put("id", "caption").put("task", task)
                .put("args", new JsonObject().put(argument, a.id()));
        JsonObject request = new JsonObject().put("action", "dispatch").put("requestId", UUID.randomUUID().toString())
                .put("turnId", "caption-" + UUID.randomUUID()).put("await", true)
                .put("calls", new JsonArray().add(call)).put("knownArtifacts", new JsonArray().add(a.id()));
        return vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
                .compose(reply -> {
                    JsonObject body = reply.body();
                    if (!body.getBoolean("accepted", false)) {
                        JsonArray errors = body.getJsonArray("errors", new JsonArray());
                        String why = errors.isEmpty() ? "the dispatcher refused the call" : errors.getJsonObject(0).getString("message", "");
                        return Future.succeededFuture("not captioned: " + why);
                    }
                    JsonObject outcome = body.getJsonArray("outcomes", new JsonArray()).getJsonObject(0);
                    String artifactId = outcome == null ? null : outcome.getString("artifactId");
                    if (artifactId == null) {
                        String why = outcome == null ? "no outcome" : outcome.getJsonObject("error", new JsonObject()).getString("message", "the captioning tool failed");
                        return Future.succeededFuture("not captioned: " + why);
                    }
                    return vertx.executeBlocking(() -> new String(store.read(artifactId), StandardCharsets.UTF_8).strip(), false);
                }, failure -> Future.succeededFuture("not captioned: " + failure.getMessage()));
    }
}
