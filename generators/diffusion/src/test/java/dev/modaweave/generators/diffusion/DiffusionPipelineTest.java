package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolCancelledException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cancellation, progress, precomputed conditioning and argument checks of the text-to-image pipeline. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiffusionPipelineTest {

    private DiffusionPipeline pipeline;

    @BeforeAll
    void load() {
        pipeline = DiffusionPipeline.load(DiffusionSpec.read(TinyFixtures.spec("sd-tiny.json")));
    }

    @AfterAll
    void close() {
        pipeline.close();
    }

    private static DiffusionRequest.Builder fox() {
        return DiffusionRequest.builder().prompt("a red fox in the snow").negativePrompt("blurry").seed(3).steps(4);
    }

    @Test
    void a_cancel_during_the_run_stops_it_before_the_next_step() {
        Cancellation cancellation = Cancellation.create();
        List<String> reports = new ArrayList<>();
        ProgressListener cancelAfterFirstStep = (fraction, message) -> {
            reports.add(message);
            cancellation.cancel("user pressed stop");
        };
        assertThatThrownBy(() -> pipeline.run(fox().build(), cancelAfterFirstStep, cancellation))
                .isInstanceOf(ToolCancelledException.class);
        assertThat(reports).containsExactly("step 1/4");
    }

    @Test
    void every_step_reports_progress_in_order() {
        List<String> reports = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        pipeline.run(fox().build(), (fraction, message) -> {
            reports.add(message);
            fractions.add(fraction);
        }, Cancellation.create());
        assertThat(reports).startsWith("step 1/4", "step 2/4", "step 3/4", "step 4/4");
        assertThat(fractions).isSorted();
    }

    @Test
    void precomputed_prompt_embeddings_give_the_same_image_as_the_text() {
        DiffusionOutput fromText = pipeline.run(fox().build(), ProgressListener.NONE, Cancellation.create());
        DiffusionRequest.Embedding prompt = pipeline.encodePrompt("a red fox in the snow");
        DiffusionRequest.Embedding negative = pipeline.encodePrompt("blurry");
        DiffusionOutput fromEmbeddings = pipeline.run(DiffusionRequest.builder().promptEmbedding(prompt)
                .negativeEmbedding(negative).seed(3).steps(4).build(), ProgressListener.NONE, Cancellation.create());
        assertThat(fromEmbeddings.values()).containsExactly(fromText.values());
    }

    @Test
    void another_prompt_or_seed_gives_another_image() {
        float[] base = pipeline.run(fox().build(), ProgressListener.NONE, Cancellation.create()).values();
        float[] otherSeed = pipeline.run(fox().seed(4).build(), ProgressListener.NONE, Cancellation.create()).values();
        float[] otherPrompt = pipeline.run(fox().prompt("a blue car in the city").build(), ProgressListener.NONE, Cancellation.create()).values();
        assertThat(otherSeed).isNotEqualTo(base);
        assertThat(otherPrompt).isNotEqualTo(base);
    }

    @Test
    void an_embedding_of_the_wrong_shape_is_refused_with_both_shapes() {
        DiffusionRequest request = DiffusionRequest.builder()
                .promptEmbedding(new DiffusionRequest.Embedding(new float[8 * 16], new long[]{8, 16})).steps(2).build();
        assertThatThrownBy(() -> pipeline.run(request, ProgressListener.NONE, Cancellation.create()))
                .isInstanceOf(InvalidArgumentsException.class)
                .hasMessageContaining("(1, 8, 16)").hasMessageContaining("(1, 16, 16)");
    }

    @Test
    void a_size_that_is_not_a_multiple_of_the_latent_cell_is_refused() {
        assertThatThrownBy(() -> pipeline.run(fox().width(30).build(), ProgressListener.NONE, Cancellation.create()))
                .isInstanceOf(InvalidArgumentsException.class).hasMessageContaining("multiple of 8");
    }

    @Test
    void a_larger_size_gives_a_larger_image() {
        DiffusionOutput out = pipeline.run(fox().width(48).height(40).steps(1).build(), ProgressListener.NONE, Cancellation.create());
        assertThat(out.shape()).containsExactly(1, 3, 40, 48);
        assertThat(out.latentShape()).containsExactly(1, 4, 5, 6);
    }

    @Test
    void timings_count_the_steps_and_the_unet_share_of_the_loop() {
        DiffusionOutput out = pipeline.run(fox().build(), ProgressListener.NONE, Cancellation.create());
        assertThat(out.timings().steps()).isEqualTo(4);
        assertThat(out.timings().unetNanos()).isPositive().isLessThanOrEqualTo(out.timings().loopNanos());
    }
}
