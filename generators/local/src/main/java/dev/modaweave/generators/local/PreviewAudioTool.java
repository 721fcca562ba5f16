package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.media.Media;
import dev.modaweave.generators.local.internal.PromptSeed;
import dev.modaweave.generators.local.internal.PreviewSupport;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code preview-audio}: a deterministic WAV made of one note per prompt word (pitch on a
 * pentatonic scale from the word's hash, a little noise for texture), so that different prompts
 * sound different. A stand-in for a real text-to-audio model.
 */
public final class PreviewAudioTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "preview-audio";

    static final int SAMPLE_RATE = 22_050;
    private static final double[] PENTATONIC = {0, 2, 4, 7, 9};

    private static final ObjectNode SCHEMA = (ObjectNode) Json.parse("""
            {"type":"object","required":["prompt"],"additionalProperties":false,
             "properties":{
               "prompt":{"type":"string","minLength":1,"maxLength":2000,"description":"what the sound is"},
               "durationSeconds":{"type":"number","minimum":0.5,"maximum":30,"default":4},
               "seed":{"type":"integer","minimum":0,"maximum":2147483647}}}""");

    /** The tool, ready to use. */
    public PreviewAudioTool() {
        super(PreviewSupport.of(NAME, Tasks.TEXT_TO_AUDIO, Set.of(Modality.TEXT), Modality.AUDIO, SCHEMA,
                "Offline preview of text-to-audio: a deterministic WAV of tones and noise derived "
                        + "from the prompt's words. Not a real audio model.",
                "{\"prompt\":\"rain on a tin roof\",\"durationSeconds\":4}", 4));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        ObjectNode args = support.begin(request);
        String prompt = args.get("prompt").asText();
        double seconds = args.path("durationSeconds").asDouble(4);
        long seed = PreviewSupport.seed(args);
        float[] samples = new float[(int) Math.round(seconds * SAMPLE_RATE)];
        List<String> words = PromptSeed.words(prompt);
        SplittableRandom random = PromptSeed.random(prompt, seed);
        int noteLength = Math.max(1, samples.length / words.size());
        double noise = 0.02 + 0.1 * random.nextDouble();
        for (int w = 0; w < words.size(); w++) {
            request.cancellation().throwIfCancelled();
            int hash = PromptSeed.wordHash(words.get(w));
            double semitone = PENTATONIC[hash % PENTATONIC.length] + 12 * ((hash / 5) % 3);
            double frequency = 220 * Math.pow(2, semitone / 12);
            int start = w * noteLength;
            int end = w == words.size() - 1 ? samples.length : Math.min(samples.length, start + noteLength);
            for (int i = start; i < end; i++) {
                double local = (i - start) / (double) SAMPLE_RATE;
                double envelope = Math.min(1, local * 50) * Math.exp(-2.5 * local);
                double tone = Math.sin(2 * Math.PI * frequency * local) + 0.3 * Math.sin(4 * Math.PI * frequency * local);
                samples[i] = (float) (0.45 * envelope * tone + noise * (random.nextDouble() * 2 - 1));
            }
            progress.progress((w + 1) / (double) words.size(), "note " + (w + 1) + "/" + words.size());
        }
        byte[] wav = Media.wav(samples, SAMPLE_RATE);
        long durationMs = Math.round(samples.length * 1000.0 / SAMPLE_RATE);
        return new GenerationResult(wav, "audio/wav",
                Map.of("sampleRate", SAMPLE_RATE, "durationMs", durationMs, "seed", seed, "preview", true));
    }
}
