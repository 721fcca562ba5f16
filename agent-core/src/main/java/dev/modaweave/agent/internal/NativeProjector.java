package dev.modaweave.agent.internal;

import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.modaweave.agent.InputProjector;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.VideoFrames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Hands media to a multimodal model as content: images as they are, a video (or an animated GIF) as
 * evenly spaced keyframes (PNG images, in order, announced with their count and the video's duration), audio as
 * audio content when the model takes audio. Media the model cannot take directly (audio for a model
 * without audio input, a video whose frames cannot be read) is captioned by the
 * {@link CaptionProjector} instead, so nothing is dropped. Bytes are read and decoded on a worker thread.
 */
public final class NativeProjector implements InputProjector {
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final ArtifactStore store;
    private final int videoFrames;
    private final boolean audioInput;
    private final CaptionProjector captions;

    /** Images natively; 4 keyframes per video; audio natively. */
    public NativeProjector(Vertx vertx, ArtifactStore store) {
        this(vertx, store, 4, true);
    }

    /**
     * @param videoFrames keyframes per video, 1 to {@link VideoFrames#MAX_FRAMES}
     * @param audioInput  whether the model takes audio content; otherwise recordings are captioned
     */
    public NativeProjector(Vertx vertx, ArtifactStore store, int videoFrames, boolean audioInput) {
        if (videoFrames < 1 || videoFrames > VideoFrames.MAX_FRAMES) {
            throw new IllegalArgumentException("videoFrames is " + videoFrames + "; use 1 to " + VideoFrames.MAX_FRAMES);
        }
        this.vertx = vertx;
        this.store = store;
        this.videoFrames = videoFrames;
        this.audioInput = audioInput;
        this.captions = new CaptionProjector(vertx, store);
    }

    @Override
    public Future<List<Content>> project(List<Artifact> media) {
        List<Future<List<Content>>> parts = new ArrayList<>();
        for (Artifact a : media) {
            boolean direct = a.modality() == Modality.IMAGE || a.modality() == Modality.VIDEO
                    || a.modality() == Modality.AUDIO && audioInput;
            parts.add(direct ? vertx.executeBlocking(() -> direct(a), false)
                    .recover(unreadable -> captions.project(List.of(a)))
                    : captions.project(List.of(a)));
        }
        return Future.all(parts).map(all -> {
            List<Content> out = new ArrayList<>();
            parts.forEach(p -> out.addAll(p.result()));
            return out;
        });
    }

    private List<Content> direct(Artifact a) {
        List<Content> out = new ArrayList<>();
        byte[] bytes = store.read(a.id());
        if (a.modality() == Modality.AUDIO) {
            out.add(new TextContent("[audio " + a.id() + "]"));
            out.add(AudioContent.from(Base64.getEncoder().encodeToString(bytes), a.mimeType()));
            return out;
        }
        boolean gif = a.mimeType().equalsIgnoreCase("image/gif");
        VideoFrames.Sample sample = a.modality() == Modality.VIDEO || gif
                ? VideoFrames.sample(bytes, a.mimeType(), videoFrames, FRAME_TIMEOUT) : null;
        if (sample == null || gif && sample.frameCount() <= 1) {
            out.add(new TextContent("[image " + a.id() + "]"));
            out.add(ImageContent.from(Base64.getEncoder().encodeToString(bytes), a.mimeType()));
            return out;
        }
        // a video, or an animated GIF (the previews' video format without ffmpeg): keyframes in order
        if (sample.frames().isEmpty()) {
            throw new InvalidMediaException(sample.note());
        }
        String length = Double.isFinite(sample.durationSeconds())
                ? String.format(Locale.ROOT, " lasting %.1f s", sample.durationSeconds()) : "";
        out.add(new TextContent("[video " + a.id() + length + ": " + sample.frames().size()
                + " keyframes follow, evenly spaced from start to end]"));
        for (var frame : sample.frames()) {
            out.add(ImageContent.from(Base64.getEncoder().encodeToString(png(frame)), "image/png"));
        }
        return out;
    }

    private static byte[] png(java.awt.image.BufferedImage frame) {
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(frame, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
