package dev.modaweave.tools.contract;

/** The contract test of the starter {@code tools new --task text-to-image} writes. */
class StarterImageToolContractTest extends StarterToolContract {
    StarterImageToolContractTest() {
        super("text-to-image");
    }
}
