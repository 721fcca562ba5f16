package dev.modaweave.tools.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GeneratorTool;

import java.util.List;
import java.util.Map;

/**
 * The README's tool passes the contract test as the README's own test class declares it: both
 * blocks of README.md are compiled (see {@code ReadmeSnippets}) and this test runs the contract
 * with the README test's tool and arguments.
 */
class ReadmeToolContractTest extends GeneratorToolContract {

    private final GeneratorToolContract readme = readmeTest();

    private static GeneratorToolContract readmeTest() {
        try {
            return (GeneratorToolContract) dev.modaweave.app.docs.ReadmeAccess.readmeInstance("com.example.SolidColourToolTest");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the README's contract test cannot be created: " + e, e);
        }
    }

    @Override
    protected GeneratorTool createTool() {
        return readme.createTool();
    }

    @Override
    protected ObjectNode validArguments() {
        return readme.validArguments();
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return readme.invalidArguments();
    }

    @Override
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return readme.inputs();
    }

    @Override
    protected boolean deterministic() {
        return readme.deterministic();
    }

    @Override
    protected boolean cancellableDuringGeneration() {
        return readme.cancellableDuringGeneration();
    }
}
