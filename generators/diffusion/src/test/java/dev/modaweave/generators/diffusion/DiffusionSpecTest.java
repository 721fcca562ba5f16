package dev.modaweave.generators.diffusion;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Spec reading and the errors a broken spec gives. */
class DiffusionSpecTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path spec = dir.resolve("spec.json");
        Files.writeString(spec, json);
        return spec;
    }

    @Test
    void the_tiny_spec_reads_with_its_components_methods_and_defaults() {
        DiffusionSpec spec = DiffusionSpec.read(TinyFixtures.spec("sd-edit-tiny.json"));
        assertThat(spec.kind()).isEqualTo(PipelineKind.IMAGE_EDIT);
        assertThat(spec.components().get("vae_encoder").forDevice(false).orElseThrow().file().method()).isEqualTo("encode");
        assertThat(spec.components().get("unet").forDevice(true)).as("a plain file name is a CPU trace only").isEmpty();
        assertThat(spec.defaults().strength()).isEqualTo(0.6);
        assertThat(spec.vaeScalingFactor()).isEqualTo(0.18215f);
    }

    @Test
    void per_device_variants_prefer_a_float16_trace_on_the_gpu() throws IOException {
        DiffusionSpec spec = DiffusionSpec.read(write("""
                {"name":"x","pipeline":"text-to-image","tokenizer":"tok","scheduler":"s.json",
                 "components":{"text_encoder":"te.pt","vae_decoder":"vae.pt#decode",
                   "unet":{"cpu":"unet.cpu.pt","gpu":"unet.cuda.pt","gpu-float16":"unet.cuda.fp16.pt"}}}"""));
        DiffusionSpec.Variant gpu = spec.components().get("unet").forDevice(true).orElseThrow();
        assertThat(gpu.file().path().getFileName().toString()).isEqualTo("unet.cuda.fp16.pt");
        assertThat(gpu.dtype()).isEqualTo("float16");
        assertThat(spec.components().get("unet").forDevice(false).orElseThrow().dtype()).isEqualTo("float32");
    }

    @Test
    void a_missing_component_is_named() throws IOException {
        Path spec = write("""
                {"name":"x","pipeline":"text-to-audio","tokenizer":"tok","scheduler":"s.json",
                 "components":{"text_encoder":"te.pt","unet":"u.pt","vae_decoder":"v.pt"}}""");
        assertThatThrownBy(() -> DiffusionSpec.read(spec)).isInstanceOf(DiffusionModelException.class)
                .hasMessageContaining("[vocoder]");
    }

    @Test
    void an_unknown_pipeline_variant_or_device_is_refused_with_the_allowed_values() throws IOException {
        assertThatThrownBy(() -> DiffusionSpec.read(write("{\"name\":\"x\",\"pipeline\":\"text-to-smell\"}")))
                .hasMessageContaining("text-to-smell").hasMessageContaining("text-to-video");
        assertThatThrownBy(() -> DiffusionSpec.read(write("""
                {"name":"x","pipeline":"text-to-image","tokenizer":"t","scheduler":"s.json",
                 "components":{"text_encoder":"a.pt","vae_decoder":"b.pt","unet":{"tpu":"u.pt"}}}""")))
                .hasMessageContaining("tpu").hasMessageContaining("gpu-float16");
        assertThatThrownBy(() -> DiffusionSpec.read(write("""
                {"name":"x","pipeline":"text-to-image","tokenizer":"t","scheduler":"s.json","device":"npu",
                 "components":{"text_encoder":"a.pt","vae_decoder":"b.pt","unet":"u.pt"}}""")))
                .hasMessageContaining("npu").hasMessageContaining("auto, cpu, gpu");
    }

    @Test
    void a_component_file_that_does_not_exist_is_named() throws IOException {
        Path tiny = TinyFixtures.dir();
        Path spec = write("""
                {"name":"x","pipeline":"text-to-image","tokenizer":"%s","scheduler":"%s","warmup":false,
                 "components":{"text_encoder":"%s","vae_decoder":"%s","unet":"missing-unet.pt"}}""".formatted(
                tiny.resolve("sd/tokenizer"), tiny.resolve("sd/scheduler_config.json"),
                tiny.resolve("sd/text_encoder.pt"), tiny.resolve("sd/vae.pt") + "#decode"));
        assertThatThrownBy(() -> DiffusionTool.load(spec)).isInstanceOf(DiffusionModelException.class)
                .hasMessageContaining("missing-unet.pt").hasMessageContaining("does not exist");
    }

    @Test
    void a_gpu_spec_on_a_cpu_only_engine_says_how_to_get_cuda() throws IOException {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        Path tiny = TinyFixtures.dir();
        Path spec = write("""
                {"name":"x","pipeline":"text-to-image","tokenizer":"%s","scheduler":"%s","device":"gpu",
                 "components":{"text_encoder":"%s","vae_decoder":"%s","unet":"%s"}}""".formatted(
                tiny.resolve("sd/tokenizer"), tiny.resolve("sd/scheduler_config.json"),
                tiny.resolve("sd/text_encoder.pt"), tiny.resolve("sd/vae.pt") + "#decode", tiny.resolve("sd/unet.pt")));
        assertThatThrownBy(() -> DiffusionTool.load(spec)).isInstanceOf(DiffusionModelException.class)
                .hasMessageContaining("sees no GPU").hasMessageContaining("PYTORCH_LIBRARY_PATH");
    }

    @Test
    void a_tokenizer_directory_with_only_vocab_and_merges_asks_for_tokenizer_json() throws IOException {
        Path tok = Files.createDirectories(dir.resolve("tok"));
        Files.writeString(tok.resolve("vocab.json"), "{}");
        Files.writeString(tok.resolve("merges.txt"), "");
        Path tiny = TinyFixtures.dir();
        Path spec = write("""
                {"name":"x","pipeline":"text-to-image","tokenizer":"tok","scheduler":"%s",
                 "components":{"text_encoder":"%s","vae_decoder":"%s","unet":"%s"}}""".formatted(
                tiny.resolve("sd/scheduler_config.json"), tiny.resolve("sd/text_encoder.pt"),
                tiny.resolve("sd/vae.pt") + "#decode", tiny.resolve("sd/unet.pt")));
        assertThatThrownBy(() -> DiffusionTool.load(spec)).isInstanceOf(DiffusionModelException.class)
                .hasMessageContaining("no tokenizer.json").hasMessageContaining("wrong CLIP tokenizer");
    }
}
