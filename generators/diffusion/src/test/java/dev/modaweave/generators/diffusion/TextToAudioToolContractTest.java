package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;

import java.util.List;

/** The shared tool contract, passed by the tiny text-to-audio pipeline. */
class TextToAudioToolContractTest extends GeneratorToolContract {
    @Override
    protected GeneratorTool createTool() {
        return DiffusionTool.load(TinyFixtures.spec("audioldm-tiny.json"));
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

    @Override
    protected boolean deterministic() {
        return true;
    }

    @Override
    protected boolean cancellableDuringGeneration() {
        return true;
    }
}
