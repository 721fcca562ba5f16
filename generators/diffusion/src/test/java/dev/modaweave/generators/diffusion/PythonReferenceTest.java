package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.diffusion.schedulers.Scheduler;
import dev.modaweave.generators.diffusion.schedulers.SchedulerConfig;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.ProgressListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of references.json (written by scripts/make_tiny_pipelines.py with Debian's PyTorch):
 * the Java pipeline, given the same spec, arguments and scheduler config, ends with the same latents
 * and decodes the same image, waveform or frames as the Python loop: every value within 1e-4 of the
 * reference (the latents of these untrained UNets reach magnitudes near 50, so this is also a
 * relative bound of a few 1e-6 on them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, DiffusionPipeline> pipelines = new HashMap<>();

    @AfterAll
    void close() {
        pipelines.values().forEach(DiffusionPipeline::close);
    }

    @TestFactory
    List<DynamicTest> java_pipelines_match_the_python_reference_for_every_case() throws IOException {
        Path refs = TinyFixtures.dir().resolve("references");
        JsonNode cases = JSON.readTree(Files.readString(refs.resolve("references.json"))).path("cases");
        assertThat(cases.size()).isGreaterThanOrEqualTo(9);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String name = c.path("pipeline").asText() + " with " + c.path("scheduler").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> check(c, refs)));
        }
        return tests;
    }

    private void check(JsonNode c, Path refs) throws IOException {
        DiffusionPipeline pipeline = pipelines.computeIfAbsent(c.path("spec").asText(),
                spec -> DiffusionPipeline.load(DiffusionSpec.read(TinyFixtures.spec(spec))));
        JsonNode args = c.path("args");
        Scheduler scheduler = Scheduler.of(c.path("scheduler").asText(), SchedulerConfig.of((ObjectNode) c.path("schedulerConfig")));
        DiffusionRequest.Builder request = DiffusionRequest.builder()
                .prompt(args.path("prompt").asText())
                .negativePrompt(args.path("negative_prompt").asText(""))
                .seed(args.path("seed").asLong())
                .steps(args.path("steps").asInt())
                .guidanceScale(args.path("guidance_scale").asDouble())
                .scheduler(scheduler);
        if (args.has("width")) {
            request.width(args.path("width").asInt()).height(args.path("height").asInt());
        }
        if (args.has("strength")) {
            request.strength(args.path("strength").asDouble());
        }
        if (args.has("duration")) {
            request.duration(args.path("duration").asDouble());
        }
        if (args.has("frames")) {
            request.frames(args.path("frames").asInt());
        }
        if (c.has("input")) {
            request.image(ImageIO.read(refs.resolve(c.path("input").asText()).toFile()));
        }
        DiffusionOutput out = pipeline.run(request.build(), ProgressListener.NONE, Cancellation.create());
        assertMatches("latents", out.latents(), out.latentShape(), c.path("latents"), refs);
        assertMatches("output", out.values(), out.shape(), c.path("output"), refs);
    }

    static void assertMatches(String what, float[] actual, long[] shape, JsonNode ref, Path refs) throws IOException {
        float[] expected = floats(refs.resolve(ref.path("file").asText()));
        long[] expectedShape = JSON.convertValue(ref.path("shape"), long[].class);
        assertThat(shape).as(what + " shape").containsExactly(expectedShape);
        assertThat(actual).as(what + " size").hasSize(expected.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as(what + ": largest difference from the Python reference")
                .isLessThanOrEqualTo(1e-4);
    }

    static float[] floats(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }
}
