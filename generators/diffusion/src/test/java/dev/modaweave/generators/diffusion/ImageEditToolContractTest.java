package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GenerationRequest;

import java.util.List;
import java.util.Map;

/** The shared tool contract, passed by the tiny image-edit pipeline. */
class ImageEditToolContractTest extends TinyPipelineContract {

    ImageEditToolContractTest() {
        super("sd-edit-tiny.json");
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"the fox at night\",\"image\":\"" + EditInput.ID + "\",\"seed\":2,\"strength\":0.8}");
    }

    @Override
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return Map.of("image", EditInput.artifact());
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{\"prompt\":\"fox\"}"), args("{\"prompt\":\"fox\",\"image\":\"" + EditInput.ID + "\",\"strength\":0}"),
                args("{\"prompt\":\"fox\",\"image\":\"not-an-artifact\"}"));
    }
}
