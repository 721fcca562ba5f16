package dev.modaweave.generators.djl;

import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TorchScriptToolErrorsTest {

    private static Path writeSpec(Path dir, String json) throws IOException {
        return Files.writeString(dir.resolve("spec.json"), json);
    }

    private static final String IMAGE_SPEC = """
            {"name":"broken","task":"text-to-image","model":"%s",
             "inputs":{"conditioning":"embedding","embeddingDim":384,"noiseDim":%d},
             "output":{"kind":"%s","layout":"CHW","range":"0..1"}}""";

    @Test
    void a_missing_model_file_is_a_model_error_naming_the_file(@TempDir Path dir) throws IOException {
        Path spec = writeSpec(dir, IMAGE_SPEC.formatted("nowhere.pt", 8, "image"));
        assertThatThrownBy(() -> TorchScriptTool.load(spec))
                .isInstanceOf(DjlModelException.class)
                .hasMessageContaining("nowhere.pt").hasMessageContaining("does not exist")
                .satisfies(e -> assertThat(((DjlModelException) e).code()).isEqualTo("model_unavailable"));
    }

    @Test
    void a_corrupt_model_file_is_a_model_error_that_says_to_save_torchscript(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("corrupt.pt"), "this is not a TorchScript archive".getBytes());
        Path spec = writeSpec(dir, IMAGE_SPEC.formatted("corrupt.pt", 8, "image"));
        assertThatThrownBy(() -> TorchScriptTool.load(spec))
                .isInstanceOf(DjlModelException.class)
                .hasMessageContaining("corrupt.pt").hasMessageContaining("torch.jit");
    }

    @Test
    void asking_for_a_gpu_on_a_machine_without_one_says_to_use_auto(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0,
                "this machine has a GPU");
        Files.copy(TinyModels.spec("tiny-image").resolveSibling("tiny_image.pt"), dir.resolve("image.pt"));
        Path spec = writeSpec(dir, IMAGE_SPEC.formatted("image.pt", 8, "image").replace("\"name\"", "\"device\":\"gpu\",\"name\""));
        assertThatThrownBy(() -> TorchScriptTool.load(spec))
                .isInstanceOf(DjlModelException.class).hasMessageContaining("no GPU").hasMessageContaining("auto");
    }

    @Test
    void a_missing_spec_file_is_a_model_error(@TempDir Path dir) {
        assertThatThrownBy(() -> TorchScriptTool.load(dir.resolve("absent.json")))
                .isInstanceOf(DjlModelException.class).hasMessageContaining("absent.json");
    }

    @Test
    void a_spec_with_a_wrong_field_names_the_field(@TempDir Path dir) throws IOException {
        Path badRange = writeSpec(dir, """
                {"name":"x","task":"text-to-image","model":"m.pt","output":{"kind":"image","range":"0..9"}}""");
        assertThatThrownBy(() -> TorchScriptSpec.read(badRange))
                .isInstanceOf(DjlModelException.class).hasMessageContaining("output.range").hasMessageContaining("0..9");
        Path unknown = writeSpec(dir, """
                {"name":"x","task":"text-to-image","model":"m.pt","output":{"kind":"image"},"steps":3}""");
        assertThatThrownBy(() -> TorchScriptSpec.read(unknown))
                .isInstanceOf(DjlModelException.class).hasMessageContaining("'steps'");
        Path wrongDim = writeSpec(dir, """
                {"name":"x","task":"text-to-image","model":"m.pt","inputs":{"embeddingDim":512},"output":{"kind":"image"}}""");
        assertThatThrownBy(() -> TorchScriptSpec.read(wrongDim))
                .isInstanceOf(DjlModelException.class).hasMessageContaining("384");
    }

    @Test
    void a_spec_that_does_not_match_the_model_fails_with_a_typed_error(@TempDir Path dir) throws IOException {
        Files.copy(TinyModels.spec("tiny-audio").resolveSibling("tiny_audio.pt"), dir.resolve("audio.pt"));
        Path spec = writeSpec(dir, IMAGE_SPEC.formatted("audio.pt", 8, "image"));
        try (var tool = TorchScriptTool.load(spec)) {
            var request = GenerationRequest.of("job", (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"prompt\":\"x\"}"));
            assertThatThrownBy(() -> tool.generate(request, ProgressListener.NONE))
                    .isInstanceOf(DjlModelException.class).hasMessageContaining("shape [1, 8000]");
        }
    }

    @Test
    void wrong_input_sizes_are_reported_as_a_model_error(@TempDir Path dir) throws IOException {
        Files.copy(TinyModels.spec("tiny-image").resolveSibling("tiny_image.pt"), dir.resolve("image.pt"));
        Path spec = writeSpec(dir, IMAGE_SPEC.formatted("image.pt", 3, "image"));
        try (var tool = TorchScriptTool.load(spec)) {
            var request = GenerationRequest.of("job", (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"prompt\":\"x\"}"));
            assertThatThrownBy(() -> tool.generate(request, ProgressListener.NONE))
                    .isInstanceOf(NonRetriableToolException.class).hasMessageContaining("noiseDim");
        }
    }
}
