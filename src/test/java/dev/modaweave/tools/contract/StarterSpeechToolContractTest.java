package dev.modaweave.tools.contract;

/** The contract test of the starter {@code tools new --task text-to-speech} writes. */
class StarterSpeechToolContractTest extends StarterToolContract {
    StarterSpeechToolContractTest() {
        super("text-to-speech");
    }
}
