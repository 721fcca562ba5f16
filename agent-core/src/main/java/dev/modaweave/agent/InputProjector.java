package dev.modaweave.agent;

import dev.langchain4j.data.message.Content;
import dev.modaweave.tools.Artifact;
import io.vertx.core.Future;

import java.util.List;

/**
 * Turns the user's media into what the LLM can take in. {@link #nativeContent} hands images (video
 * keyframes, and audio) to a multimodal model as message content; {@link #captions} asks a registered
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

    /** Passes images, audio and videos (as four keyframes) through as LangChain4j content. */
    static InputProjector nativeContent(io.vertx.core.Vertx vertx, dev.modaweave.tools.ArtifactStore store) {
        return new dev.modaweave.agent.internal.NativeProjector(vertx, store);
    }

    /**
     * Passes images and a video's {@code videoFrames} keyframes through as content, audio too when
     * {@code audioInput}; what the model cannot take (audio without audio input, a video whose frames
     * cannot be read) is captioned by a tool as with {@link #captions}.
     */
    static InputProjector nativeContent(io.vertx.core.Vertx vertx, dev.modaweave.tools.ArtifactStore store, int videoFrames,
                                        boolean audioInput) {
        return new dev.modaweave.agent.internal.NativeProjector(vertx, store, videoFrames, audioInput);
    }

    /** Captions each medium with a tool over the event bus (through the dispatcher). */
    static InputProjector captions(io.vertx.core.Vertx vertx, dev.modaweave.tools.ArtifactStore store) {
        return new dev.modaweave.agent.internal.CaptionProjector(vertx, store);
    }
}
