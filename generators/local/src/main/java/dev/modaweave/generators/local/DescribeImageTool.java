package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.Describers;
import dev.modaweave.generators.local.internal.MediaFacts;
import dev.modaweave.generators.local.internal.OfflineReaders;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.generators.media.Media;

import java.util.Map;

/**
 * {@code describe-image}: the offline {@code image-to-text} default. It states what can be measured
 * (size, dominant colours, brightness) and the text {@code tesseract} reads in the picture when the
 * Debian package {@code tesseract-ocr} is installed, labelled as such: never a made-up caption. A
 * configured captioning model (e.g. an OpenAI-compatible vision endpoint) is preferred over it.
 */
public final class DescribeImageTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "describe-image";

    /** The tool, ready to use. */
    public DescribeImageTool() {
        super(Describers.support(NAME, Tasks.IMAGE_TO_TEXT, Modality.IMAGE, "the picture to describe",
                "Preview, not a captioning model: an offline description of a picture: size, dominant colours, brightness, and text read by OCR "
                        + "(tesseract) when installed. It cannot say what the picture shows."));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        support.begin(request);
        GenerationRequest.InputArtifact input = Describers.input(request, NAME, Modality.IMAGE);
        var image = MediaFacts.decodeImage(input.bytes(), "input image " + input.artifact().id());
        MediaFacts.ImageFacts facts = MediaFacts.image(image);
        progress.progress(0.4, "measured");
        request.cancellation().throwIfCancelled();
        StringBuilder text = new StringBuilder(Describers.LABEL).append(' ').append(facts.sentence()).append('.');
        if (OfflineReaders.canReadText()) {
            var read = OfflineReaders.readText(Media.png(image), request.cancellation());
            text.append(read.map(t -> " Text read in it by OCR (tesseract): \"" + t + "\".")
                    .orElse(" OCR (tesseract) found no text in it."));
        } else {
            text.append(" Text in it was not read: OCR needs tesseract (Debian package tesseract-ocr).");
        }
        text.append(" What it depicts is unknown without a captioning model.");
        return Describers.described(text, progress,
                Map.of("width", facts.width(), "height", facts.height(), "ocr", OfflineReaders.canReadText(), "preview", true));
    }
}
