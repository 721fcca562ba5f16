package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.GenerationRequest;

import java.util.Map;

/** The shared tool contract, passed by the tiny image-edit pipeline with the edit input handed to every call. */
class ImageEditToolContractTest extends TinyPipelineContract {

    ImageEditToolContractTest() {
        super("sd-edit-tiny.json", "{\"prompt\":\"the fox at night\",\"image\":\"" + EditInput.ID + "\",\"seed\":2,\"strength\":0.8}",
                "{\"prompt\":\"fox\"}", "{\"prompt\":\"fox\",\"image\":\"" + EditInput.ID + "\",\"strength\":0}",
                "{\"prompt\":\"fox\",\"image\":\"not-an-artifact\"}");
    }

    @Override
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return Map.of("image", EditInput.artifact());
    }
}
