package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;

import java.util.List;

/**
 * The shared tool contract for a tiny committed pipeline, given as data: the fixture spec the tool is
 * loaded from, arguments it must accept and arguments it must refuse (JSON text). Every diffusion
 * pipeline is deterministic for a seed and cancellable between steps.
 */
abstract class TinyPipelineContract extends GeneratorToolContract {

    private final String spec;
    private final String valid;
    private final List<String> invalid;

    /**
     * @param spec    the fixture spec file under the tiny fixtures
     * @param valid   arguments the pipeline must accept
     * @param invalid arguments it must refuse, at least one
     */
    TinyPipelineContract(String spec, String valid, String... invalid) {
        this.spec = spec;
        this.valid = valid;
        this.invalid = List.of(invalid);
    }

    @Override
    protected GeneratorTool createTool() {
        return DiffusionTool.load(TinyFixtures.spec(spec));
    }

    @Override
    protected ObjectNode validArguments() {
        return args(valid);
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return invalid.stream().map(GeneratorToolContract::args).toList();
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
