package dev.modaweave.agent.internal;

import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.modaweave.agent.InputProjector;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Hands images and audio to a multimodal model as content; reads the bytes on a worker thread. */
public final class NativeProjector implements InputProjector {
    private final Vertx vertx;
    private final ArtifactStore store;

    public NativeProjector(Vertx vertx, ArtifactStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    @Override
    public Future<List<Content>> project(List<Artifact> media) {
        return vertx.executeBlocking(() -> {
            List<Content> out = new ArrayList<>();
            for (Artifact a : media) {
                out.add(new TextContent("[" + a.modality().wireName() + " " + a.id() + "]"));
                switch (a.modality()) {
                    case IMAGE -> out.add(ImageContent.from(Base64.getEncoder().encodeToString(store.read(a.id())), a.mimeType()));
                    case AUDIO -> out.add(AudioContent.from(Base64.getEncoder().encodeToString(store.read(a.id())), a.mimeType()));
                    default -> out.add(new TextContent("(this model cannot take " + a.modality().wireName() + " directly)"));
                }
            }
            return out;
        }, false);
    }
}
