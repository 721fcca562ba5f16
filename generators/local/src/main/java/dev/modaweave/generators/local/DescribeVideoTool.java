package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.Describers;
import dev.modaweave.generators.local.internal.MediaFacts;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.VideoFrames;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code describe-video}: the offline {@code video-to-text} default. It samples keyframes (animated
 * GIFs in Java; MP4 and WebM with {@code ffmpeg} when installed) and states what can be measured:
 * duration, size, frame count, and each keyframe's dominant colours and brightness, labelled as such.
 */
public final class DescribeVideoTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "describe-video";
    private static final int KEYFRAMES = 4;

    /** The tool, ready to use. */
    public DescribeVideoTool() {
        super(Describers.support(NAME, Tasks.VIDEO_TO_TEXT, Modality.VIDEO, "the video to describe",
                "Preview, not a captioning model: an offline description of a video (GIF; MP4 or WebM with ffmpeg): duration, size and the colours of "
                        + "four keyframes."));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        support.begin(request);
        GenerationRequest.InputArtifact input = Describers.input(request, NAME, Modality.VIDEO);
        VideoFrames.Sample sample = VideoFrames.sample(input.bytes(), input.artifact().mimeType(), KEYFRAMES, Duration.ofSeconds(60));
        progress.progress(0.5, "sampled " + sample.frames().size() + " frames");
        request.cancellation().throwIfCancelled();
        StringBuilder text = new StringBuilder(Describers.LABEL).append(' ');
        text.append(Double.isFinite(sample.durationSeconds())
                ? String.format(Locale.ROOT, "%.1f s video", sample.durationSeconds()) : "video of unknown duration");
        if (sample.width() > 0) {
            text.append(", ").append(sample.width()).append('×').append(sample.height());
        }
        if (sample.frameCount() > 0) {
            text.append(", ").append(sample.frameCount()).append(" frames");
        }
        text.append('.');
        for (int i = 0; i < sample.frames().size(); i++) {
            MediaFacts.ImageFacts facts = MediaFacts.image(sample.frames().get(i));
            text.append(" Keyframe ").append(i + 1).append(": ").append(facts.sentence()).append('.');
        }
        if (!sample.note().isEmpty()) {
            text.append(' ').append(Character.toUpperCase(sample.note().charAt(0))).append(sample.note().substring(1)).append('.');
        }
        text.append(" What it depicts is unknown without a captioning model.");
        return Describers.described(text, progress, Map.of("keyframes", sample.frames().size(), "preview", true));
    }
}
