package dev.modaweave.app.cluster;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolCancelledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark tools: the dispatcher's {@code bench-sleep} and the agent benchmark's stand-ins share one sleeping body. */
@Timeout(60)
class BenchmarkToolsTest {

    @Test
    void a_sleeping_stand_in_performs_its_task_and_answers_with_a_png() {
        GeneratorTool image = BenchmarkTools.sleeping("text-to-image", 1);
        assertThat(image.descriptor().name()).isEqualTo("bench-text-to-image");
        assertThat(image.descriptor().task()).isEqualTo("text-to-image");
        assertThat(image.descriptor().argumentsSchema().path("properties").has("image")).isFalse();
        byte[] png = image.generate(GenerationRequest.of("j1", Json.object().put("prompt", "x")), ProgressListener.NONE).bytes();
        assertThat(MediaTypes.sniff(png)).hasValue("image/png");
    }

    @Test
    void the_edit_stand_in_takes_an_image_artifact() {
        GeneratorTool edit = BenchmarkTools.sleeping("image-edit", 1);
        assertThat(edit.descriptor().inputModalities()).contains(Modality.IMAGE, Modality.TEXT);
        assertThat(edit.descriptor().argumentsSchema().path("properties").path("image").has("contentMediaType")).isTrue();
    }

    @Test
    void bench_sleep_and_the_stand_ins_stop_sleeping_when_cancelled() throws Exception {
        for (GeneratorTool tool : new GeneratorTool[] {BenchmarkTools.sleeping("text-to-video", 60_000),
                BenchmarkTools.create(BenchmarkTools.SLEEP).orElseThrow()}) {
            Cancellation cancellation = Cancellation.create();
            CountDownLatch sleeping = new CountDownLatch(1);
            GenerationRequest request = new GenerationRequest("j", Json.object().put("prompt", "x").put("minMs", 60_000).put("maxMs", 60_000),
                    Map.of(), cancellation);
            CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> tool.generate(request, (f, m) -> sleeping.countDown()));
            assertThat(sleeping.await(30, TimeUnit.SECONDS)).isTrue();
            cancellation.cancel("enough");
            assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ToolCancelledException.class);
        }
    }
}
