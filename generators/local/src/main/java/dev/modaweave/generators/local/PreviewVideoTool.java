package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.media.Executables;
import dev.modaweave.generators.media.Media;
import dev.modaweave.generators.local.internal.PreviewPainter;
import dev.modaweave.generators.local.internal.PreviewSupport;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code preview-video}: a deterministic animation of the prompt's preview scene, encoded as
 * H.264 MP4 by {@code ffmpeg} when it is on the {@code PATH} (frames are piped to it as raw RGB),
 * otherwise as an animated GIF by the JDK. A stand-in for a real text-to-video model.
 */
public final class PreviewVideoTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "preview-video";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private static final ObjectNode SCHEMA = (ObjectNode) Json.parse("""
            {"type":"object","required":["prompt"],"additionalProperties":false,
             "properties":{
               "prompt":{"type":"string","minLength":1,"maxLength":2000,"description":"what the video shows"},
               "frames":{"type":"integer","minimum":2,"maximum":240,"default":24},
               "fps":{"type":"integer","minimum":1,"maximum":30,"default":12},
               "width":{"type":"integer","minimum":64,"maximum":640,"multipleOf":2,"default":320},
               "height":{"type":"integer","minimum":64,"maximum":640,"multipleOf":2,"default":240},
               "seed":{"type":"integer","minimum":0,"maximum":2147483647}}}""");

    private final Path ffmpeg;
    private final Duration timeout;

    /** Uses {@code ffmpeg} from the {@code PATH} when there is one. */
    public PreviewVideoTool() {
        this(Executables.find("ffmpeg").orElse(null), DEFAULT_TIMEOUT);
    }

    /**
     * @param ffmpeg  the ffmpeg executable, or null to write animated GIFs
     * @param timeout how long one ffmpeg run may take before it is killed
     */
    PreviewVideoTool(Path ffmpeg, Duration timeout) {
        super(PreviewSupport.of(NAME, Tasks.TEXT_TO_VIDEO, Set.of(Modality.TEXT), Modality.VIDEO, SCHEMA,
                "Offline preview of text-to-video: a deterministic animation of shapes and colours "
                        + "taken from the prompt (" + (ffmpeg == null ? "animated GIF" : "MP4") + "). Not a real video model.",
                "{\"prompt\":\"waves rolling onto a beach at sunset\",\"frames\":24,\"fps\":12}", 2));
        this.ffmpeg = ffmpeg;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The ffmpeg this tool encodes with, or empty when it writes GIFs. */
    public Optional<Path> ffmpeg() {
        return Optional.ofNullable(ffmpeg);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        ObjectNode args = support.begin(request);
        String prompt = args.get("prompt").asText();
        int frames = args.path("frames").asInt(24);
        int fps = args.path("fps").asInt(12);
        int width = args.path("width").asInt(320);
        int height = args.path("height").asInt(240);
        long seed = PreviewSupport.seed(args);
        Map<String, Object> attributes = Map.of("width", width, "height", height, "frames", frames, "fps", fps,
                "durationMs", Math.round(frames * 1000.0 / fps), "seed", seed, "preview", true);
        if (ffmpeg == null) {
            List<BufferedImage> images = new ArrayList<>(frames);
            for (int i = 0; i < frames; i++) {
                request.cancellation().throwIfCancelled();
                images.add(PreviewPainter.paint(prompt, seed, width, height, i / (double) frames));
                progress.progress((i + 1) / (frames + 1.0), "frame " + (i + 1) + "/" + frames);
            }
            request.cancellation().throwIfCancelled();
            return new GenerationResult(Media.animatedGif(images, 1000 / fps), "image/gif", attributes);
        }
        byte[] mp4 = Media.mp4(ffmpeg, width, height, fps, frames,
                i -> PreviewPainter.paint(prompt, seed, width, height, i / (double) frames),
                timeout, request.cancellation(), progress);
        return new GenerationResult(mp4, "video/mp4", attributes);
    }
}
