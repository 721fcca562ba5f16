package dev.modaweave.tools.contract;

/** The contract test of the starter {@code tools new --task text-to-video} writes. */
class StarterVideoToolContractTest extends StarterToolContract {
    StarterVideoToolContractTest() {
        super("text-to-video");
    }
}
