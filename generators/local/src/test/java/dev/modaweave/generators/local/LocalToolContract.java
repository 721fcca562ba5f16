package dev.modaweave.generators.local;

import dev.modaweave.tools.contract.GeneratorToolContract;

/**
 * The shared tool contract as the local tools pass it: every one of them gives the same bytes for the
 * same arguments; the slow ones (speech, video) can also be cancelled while they generate.
 */
abstract class LocalToolContract extends GeneratorToolContract {

    private final boolean cancellable;

    /** @param cancellable whether a cancellation arriving during generation must stop it */
    LocalToolContract(boolean cancellable) {
        this.cancellable = cancellable;
    }

    @Override
    protected final boolean deterministic() {
        return true;
    }

    @Override
    protected final boolean cancellableDuringGeneration() {
        return cancellable;
    }
}
