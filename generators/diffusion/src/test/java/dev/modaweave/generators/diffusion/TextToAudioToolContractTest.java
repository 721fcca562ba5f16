package dev.modaweave.generators.diffusion;

/** The shared tool contract, passed by the tiny text-to-audio pipeline. */
class TextToAudioToolContractTest extends TinyPipelineContract {

    TextToAudioToolContractTest() {
        super("audioldm-tiny.json", "{\"prompt\":\"birds singing in the rain\",\"seed\":5,\"duration\":0.5}",
                "{\"prompt\":\"birds\",\"duration\":0}", "{\"prompt\":\"birds\",\"duration\":\"long\"}",
                "{\"prompt\":\"birds\",\"width\":64}");
    }
}
