package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The shared tool contract, passed by the tiny text-to-audio pipeline. */
class TextToAudioToolContractTest extends TinyPipelineContract {

    TextToAudioToolContractTest() {
        super("audioldm-tiny.json");
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"birds singing in the rain\",\"seed\":5,\"duration\":0.5}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{\"prompt\":\"birds\",\"duration\":0}"), args("{\"prompt\":\"birds\",\"duration\":\"long\"}"),
                args("{\"prompt\":\"birds\",\"width\":64}"));
    }
}
