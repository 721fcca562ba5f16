package dev.modaweave.agent;

import dev.langchain4j.data.message.Content;
import dev.modaweave.tools.Artifact;
import io.vertx.core.Future;

import java.util.List;

/**
 * Turns the user's media into what the LLM can take in. {@link #nativeContent} hands images (and
 * audio) to a multimodal model as message content; {@link #captions} asks a registered
 * {@code image-to-text} / {@code audio-to-text} tool for a caption and inserts
 * {@code [image art_…: caption]} text, so a text-only model can take media. Which one is used is
 * chosen per model in the configuration.
 */
public interface InputProjector {

    /**
     * Projects the media of one user message.
     *
     * @param media the uploaded artifacts, in the order the user sent them
     * @return the content to add to the user message, in order
     */
    Future<List<Content>> project(List<Artifact> media);

    /** Passes images and audio through as LangChain4j content; other media as a text note. */
    static InputProjector nativeContent(io.vertx.core.Vertx vertx, dev.modaweave.tools.ArtifactStore store) {
        return new dev.modaweave.agent.internal.NativeProjector(vertx, store);
    }

    /** Captions each medium with a tool over the event bus (through the dispatcher). */
    static InputProjector captions(io.vertx.core.Vertx vertx, dev.modaweave.tools.ArtifactStore store) {
        return new dev.modaweave.agent.internal.CaptionProjector(vertx, store);
    }
}
