package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The shared tool contract, passed by the tiny text-to-video pipeline. */
class TextToVideoToolContractTest extends TinyPipelineContract {

    TextToVideoToolContractTest() {
        super("video-tiny.json");
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"waves on the sea at sunset\",\"seed\":7,\"frames\":4}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{\"prompt\":\"waves\",\"frames\":0}"), args("{\"prompt\":\"waves\",\"strength\":0.5}"));
    }
}
