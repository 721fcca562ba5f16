package dev.modaweave.generators.diffusion;

/** The shared tool contract, passed by the tiny text-to-video pipeline. */
class TextToVideoToolContractTest extends TinyPipelineContract {

    TextToVideoToolContractTest() {
        super("video-tiny.json", "{\"prompt\":\"waves on the sea at sunset\",\"seed\":7,\"frames\":4}",
                "{\"prompt\":\"waves\",\"frames\":0}", "{\"prompt\":\"waves\",\"strength\":0.5}");
    }
}
