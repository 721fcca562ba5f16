package dev.modaweave.generators.djl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract, and conditioning on the prompt, for a TorchScript model that returns a CHW image. */
class TinyImageModelTest extends GeneratorToolContract {

    @Override
    protected GeneratorTool createTool() {
        return TorchScriptTool.load(TinyModels.spec("tiny-image"));
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"a red fox in the snow\"}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{}"), args("{\"prompt\":\"\"}"), args("{\"prompt\":\"x\",\"seed\":-1}"),
                args("{\"prompt\":\"x\",\"steps\":30}"));
    }

    @Override
    protected boolean deterministic() {
        return true;
    }

    @Test
    void the_image_has_the_model_s_size() {
        assertThat(generate(validArguments()).attributes())
                .containsEntry("width", 32).containsEntry("height", 32).containsEntry("model", "tiny_image.pt");
    }

    @Test
    void different_prompts_give_different_images() {
        assertThat(generate(args("{\"prompt\":\"a red fox in the snow\"}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"a submarine under the ice\"}")).bytes());
    }

    @Test
    void different_seeds_give_different_images_for_the_same_prompt() {
        assertThat(generate(args("{\"prompt\":\"a red fox\",\"seed\":1}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"a red fox\",\"seed\":2}")).bytes());
    }

    @Test
    void calls_from_several_threads_each_use_their_own_predictor() throws Exception {
        byte[] expected = generate(validArguments()).bytes();
        var threads = new java.util.ArrayList<Thread>();
        var results = new java.util.concurrent.ConcurrentLinkedQueue<byte[]>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> results.add(generate(validArguments()).bytes()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(results).hasSize(3).allSatisfy(bytes -> assertThat(bytes).isEqualTo(expected));
    }
}
