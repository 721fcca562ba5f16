package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The shared tool contract, passed by the tiny text-to-image pipeline. */
class TextToImageToolContractTest extends TinyPipelineContract {

    TextToImageToolContractTest() {
        super("sd-tiny.json");
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"a red fox in the snow\",\"seed\":3,\"steps\":3,\"scheduler\":\"euler\"}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{}"), args("{\"prompt\":7}"), args("{\"prompt\":\"fox\",\"steps\":0}"),
                args("{\"prompt\":\"fox\",\"width\":33}"), args("{\"prompt\":\"fox\",\"scheduler\":\"pndm\"}"),
                args("{\"prompt\":\"fox\",\"colour\":\"red\"}"));
    }
}
