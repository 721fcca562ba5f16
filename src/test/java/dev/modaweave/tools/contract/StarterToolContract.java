package dev.modaweave.tools.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.app.tools.StarterAccess;
import dev.modaweave.tools.GeneratorTool;

import java.util.List;

/**
 * Runs the contract test of a project {@code tools new} writes, as that project declares it: its tool
 * and its test are compiled from the generated files and this class delegates to the test.
 */
abstract class StarterToolContract extends GeneratorToolContract {

    private final GeneratorToolContract starter;

    StarterToolContract(String task) {
        try {
            starter = (GeneratorToolContract) StarterAccess.contractTest("my-" + task, task);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the starter's contract test for " + task + " cannot be created: " + e, e);
        }
    }

    @Override
    protected GeneratorTool createTool() {
        return starter.createTool();
    }

    @Override
    protected ObjectNode validArguments() {
        return starter.validArguments();
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return starter.invalidArguments();
    }

    @Override
    protected boolean deterministic() {
        return starter.deterministic();
    }
}
