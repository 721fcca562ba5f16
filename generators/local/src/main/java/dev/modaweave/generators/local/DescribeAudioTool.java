package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.Describers;
import dev.modaweave.generators.local.internal.MediaFacts;
import dev.modaweave.generators.local.internal.OfflineReaders;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;

import java.util.Map;

/**
 * {@code describe-audio}: the offline {@code audio-to-text} default. It transcribes English speech
 * with {@code pocketsphinx_continuous} when the Debian packages {@code pocketsphinx} and
 * {@code pocketsphinx-en-us} are installed, and states what can be measured (duration, format,
 * loudness, share of silence), labelled as such. A configured transcription endpoint (e.g. a whisper
 * server) is preferred over it.
 */
public final class DescribeAudioTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "describe-audio";

    /** The tool, ready to use. */
    public DescribeAudioTool() {
        super(Describers.support(NAME, Tasks.AUDIO_TO_TEXT, Modality.AUDIO, "the recording to describe",
                "Preview, not a sound-captioning model: an offline description of a recording (WAV, AIFF, AU): English speech transcribed by pocketsphinx when "
                        + "installed, plus duration and loudness."));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        support.begin(request);
        GenerationRequest.InputArtifact input = Describers.input(request, NAME, Modality.AUDIO);
        MediaFacts.AudioFacts facts = MediaFacts.audio(input.bytes(), "input audio " + input.artifact().id()
                + " (" + input.artifact().mimeType() + ")");
        progress.progress(0.3, "measured");
        request.cancellation().throwIfCancelled();
        StringBuilder text = new StringBuilder(Describers.LABEL).append(' ').append(facts.sentence()).append('.');
        boolean transcribed = false;
        if (OfflineReaders.canTranscribe()) {
            var words = OfflineReaders.transcribe(facts.mono16k(), request.cancellation());
            transcribed = words.isPresent();
            text.append(words.map(w -> " Speech transcribed offline (pocketsphinx, English; may contain errors): \"" + w + "\".")
                    .orElse(" The offline recogniser (pocketsphinx) heard no English speech in it."));
        } else {
            text.append(" Speech in it was not transcribed: that needs pocketsphinx (Debian packages pocketsphinx pocketsphinx-en-us).");
        }
        text.append(" Other sounds are not identified without a captioning model.");
        return Describers.described(text, progress,
                Map.of("seconds", facts.seconds(), "transcribed", transcribed, "preview", true));
    }
}
