package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;

/**
 * The shared tool contract for a tiny committed pipeline: the tool is loaded from the named fixture
 * spec, and every diffusion pipeline is deterministic for a seed and cancellable between steps.
 */
abstract class TinyPipelineContract extends GeneratorToolContract {

    private final String spec;

    TinyPipelineContract(String spec) {
        this.spec = spec;
    }

    @Override
    protected GeneratorTool createTool() {
        return DiffusionTool.load(TinyFixtures.spec(spec));
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
