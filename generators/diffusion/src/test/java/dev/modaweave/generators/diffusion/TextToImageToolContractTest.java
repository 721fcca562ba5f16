package dev.modaweave.generators.diffusion;

/** The shared tool contract, passed by the tiny text-to-image pipeline. */
class TextToImageToolContractTest extends TinyPipelineContract {

    TextToImageToolContractTest() {
        super("sd-tiny.json", "{\"prompt\":\"a red fox in the snow\",\"seed\":3,\"steps\":3,\"scheduler\":\"euler\"}",
                "{}", "{\"prompt\":7}", "{\"prompt\":\"fox\",\"steps\":0}",
                "{\"prompt\":\"fox\",\"width\":33}", "{\"prompt\":\"fox\",\"scheduler\":\"pndm\"}",
                "{\"prompt\":\"fox\",\"colour\":\"red\"}");
    }
}
