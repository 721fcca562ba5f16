package dev.modaweave.tools.contract;

/** The contract test of the starter {@code tools new --task text-to-audio} writes. */
class StarterAudioToolContractTest extends StarterToolContract {
    StarterAudioToolContractTest() {
        super("text-to-audio");
    }
}
