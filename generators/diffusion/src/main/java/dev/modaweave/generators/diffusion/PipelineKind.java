package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

/**
 * The four latent-diffusion pipelines and the components each needs. The name is the pipeline's
 * task, as written in a spec's {@code pipeline} key and printed by {@code bench diffusion}.
 */
public enum PipelineKind {
    /** Stable Diffusion 1.x / 2.x / Turbo: CLIP text encoder, UNet, VAE decoder. */
    TEXT_TO_IMAGE(Tasks.TEXT_TO_IMAGE, Modality.IMAGE, "text_encoder", "unet", "vae_decoder"),
    /** img2img / SDEdit: the VAE encoder turns the input picture into the starting latent. */
    IMAGE_EDIT(Tasks.IMAGE_EDIT, Modality.IMAGE, "text_encoder", "unet", "vae_encoder", "vae_decoder"),
    /** AudioLDM 1: CLAP text embedding as class labels, UNet over mel latents, VAE to mel, HiFi-GAN vocoder. */
    TEXT_TO_AUDIO(Tasks.TEXT_TO_AUDIO, Modality.AUDIO, "text_encoder", "unet", "vae_decoder", "vocoder"),
    /** ModelScope / Zeroscope: UNet3D over [B, 4, F, h, w], per-frame VAE decoding. */
    TEXT_TO_VIDEO(Tasks.TEXT_TO_VIDEO, Modality.VIDEO, "text_encoder", "unet", "vae_decoder");

    private final String task;
    private final Modality output;
    private final String[] components;

    PipelineKind(String task, Modality output, String... components) {
        this.task = task;
        this.output = output;
        this.components = components;
    }

    /** The task name ({@code text-to-image}, {@code image-edit}, {@code text-to-audio}, {@code text-to-video}). */
    public String task() {
        return task;
    }

    /** The media the pipeline produces. */
    public Modality output() {
        return output;
    }

    /** The component names a spec must give for this pipeline. */
    public String[] components() {
        return components.clone();
    }

    /** The kind for a spec's {@code pipeline} value. @throws IllegalArgumentException for any other value */
    public static PipelineKind of(String name) {
        for (PipelineKind kind : values()) {
            if (kind.task.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("pipeline '" + name + "' is not one of text-to-image, image-edit, text-to-audio, text-to-video");
    }
}
