#!/usr/bin/env python3
"""Exports a diffusers checkpoint to the TorchScript components, tokenizer files, scheduler config and
spec file that modaweave's diffusion pipelines load.

Needs torch, diffusers and transformers (pip install torch diffusers transformers), and the checkpoint
on local disk (a directory laid out as on the Hugging Face hub: unet/, vae/, text_encoder/, tokenizer/,
scheduler/ ...; a hub id works too where the network is available). Not run by the tests.

A trace is bound to the device and dtype it was made with, so run the script once per variant; each
run adds its files to the spec's components (keys cpu, gpu, gpu-float16):

    # Stable Diffusion 1.5 on CPU, then fp16 on a CUDA GPU
    python3 export_diffusers.py --checkpoint ./stable-diffusion-v1-5 --pipeline text-to-image \
        --name sd15 --out models/sd15 --device cpu --dtype float32 --size 512
    python3 export_diffusers.py --checkpoint ./stable-diffusion-v1-5 --pipeline text-to-image \
        --name sd15 --out models/sd15 --device cuda --dtype float16 --size 512

    # SD-Turbo: 1 to 4 steps, no guidance; its scheduler_config.json (Euler, trailing spacing) is kept
    python3 export_diffusers.py --checkpoint ./sd-turbo --pipeline text-to-image --name sd-turbo \
        --out models/sd-turbo --device cuda --dtype float16 --size 512 --steps 1 --guidance 0

    # img2img with the same weights (adds the VAE encoder); AudioLDM; ModelScope / Zeroscope
    python3 export_diffusers.py --checkpoint ./stable-diffusion-v1-5 --pipeline image-edit ...
    python3 export_diffusers.py --checkpoint ./audioldm-s-full-v2 --pipeline text-to-audio --duration 5 ...
    python3 export_diffusers.py --checkpoint ./zeroscope_v2_576w --pipeline text-to-video --size 320 --frames 16 ...

The spec's "defaults" take --size/--steps/--guidance/--duration/--frames; serve at the size you traced
(UNet traces may keep some spatial sizes as constants).
"""
import argparse
import json
import os
import shutil

import torch
from torch import nn
import torch.nn.functional as F


class TextEncoder(nn.Module):
    """CLIP: ids [B, L] -> last hidden state [B, L, D]."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, ids):
        return self.encoder(ids, return_dict=False)[0]


class ClapText(nn.Module):
    """AudioLDM: ids and attention mask -> L2-normalised CLAP text embedding [B, D] (the class labels)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, ids, mask):
        return F.normalize(self.encoder(ids, attention_mask=mask).text_embeds, dim=-1)


class UNet(nn.Module):
    """latent, float timestep [B], context (text states [B, L, D] or class labels [B, D]) -> model output."""

    def __init__(self, unet, class_labels):
        super().__init__()
        self.unet = unet
        self.class_labels = class_labels

    def forward(self, latent, timestep, context):
        if self.class_labels:
            return self.unet(latent, timestep, encoder_hidden_states=None, class_labels=context, return_dict=False)[0]
        return self.unet(latent, timestep, encoder_hidden_states=context, return_dict=False)[0]


class Vae(nn.Module):
    """One file with encode (image in -1..1 -> latent mean) and decode (latent -> image or mel); forward decodes."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.decode(latent)

    def encode(self, image):
        return self.vae.encode(image).latent_dist.mean

    def decode(self, latent):
        return self.vae.decode(latent, return_dict=False)[0]


class Vocoder(nn.Module):
    def __init__(self, vocoder):
        super().__init__()
        self.vocoder = vocoder

    def forward(self, mel):
        return self.vocoder(mel)


def load_pipeline(kind, checkpoint, dtype):
    if kind in ("text-to-image", "image-edit"):
        from diffusers import StableDiffusionPipeline
        return StableDiffusionPipeline.from_pretrained(checkpoint, torch_dtype=dtype, safety_checker=None)
    if kind == "text-to-audio":
        from diffusers import AudioLDMPipeline
        return AudioLDMPipeline.from_pretrained(checkpoint, torch_dtype=dtype)
    from diffusers import TextToVideoSDPipeline
    return TextToVideoSDPipeline.from_pretrained(checkpoint, torch_dtype=dtype)


def trace(module, inputs, path, methods=None):
    module.eval()
    with torch.no_grad():
        if methods:
            traced = torch.jit.trace_module(module, methods, check_trace=False)
        else:
            traced = torch.jit.trace(module, inputs, check_trace=False)
    traced.save(path)
    print("wrote", path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="diffusers checkpoint directory (or hub id)")
    p.add_argument("--pipeline", required=True, choices=["text-to-image", "image-edit", "text-to-audio", "text-to-video"])
    p.add_argument("--name", required=True, help="tool name")
    p.add_argument("--out", required=True, help="output directory (spec file, components, tokenizer, scheduler)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--dtype", default="float32", choices=["float32", "float16"])
    p.add_argument("--size", type=int, default=512, help="image or video width and height in pixels")
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--guidance", type=float, default=None, help="default guidance scale (7.5 images/video, 2.5 audio)")
    p.add_argument("--scheduler", choices=["ddim", "euler", "euler-ancestral", "lcm"], default=None,
                   help="default scheduler (else the one scheduler_config.json names, DDIM for PNDM)")
    p.add_argument("--duration", type=float, default=5.0, help="audio seconds")
    p.add_argument("--frames", type=int, default=16, help="video frames")
    args = p.parse_args()

    dtype = torch.float16 if args.dtype == "float16" else torch.float32
    device = torch.device(args.device)
    pipe = load_pipeline(args.pipeline, args.checkpoint, dtype).to(device)
    os.makedirs(args.out, exist_ok=True)
    variant = ("gpu" if args.device == "cuda" else "cpu") + ("-float16" if args.dtype == "float16" else "")
    suffix = "%s.%s.pt" % (args.device, args.dtype)

    # tokenizer.json from the fast tokenizer (vocab.json + merges.txt alone give DJL a wrong CLIP tokenizer)
    from transformers import AutoTokenizer
    if os.path.isdir(args.checkpoint):
        tokenizer = AutoTokenizer.from_pretrained(os.path.join(args.checkpoint, "tokenizer"), use_fast=True)
    else:
        tokenizer = AutoTokenizer.from_pretrained(args.checkpoint, subfolder="tokenizer", use_fast=True)
    tokenizer.save_pretrained(os.path.join(args.out, "tokenizer"))
    max_length = tokenizer.model_max_length if tokenizer.model_max_length < 4096 else 77
    pipe.scheduler.save_config(os.path.join(args.out, "scheduler"))
    shutil.copy(os.path.join(args.out, "scheduler", "scheduler_config.json"), os.path.join(args.out, "scheduler_config.json"))

    ids = torch.zeros(1, max_length, dtype=torch.long, device=device)
    mask = torch.ones(1, max_length, dtype=torch.long, device=device)
    files = {}
    audio = args.pipeline == "text-to-audio"
    with torch.no_grad():
        if audio:
            text = ClapText(pipe.text_encoder)
            trace(text, (ids, mask), os.path.join(args.out, "text_encoder." + suffix))
            context = text(ids, mask)
        else:
            text = TextEncoder(pipe.text_encoder)
            trace(text, (ids,), os.path.join(args.out, "text_encoder." + suffix))
            context = text(ids)
        files["text_encoder"] = "text_encoder." + suffix
        context = torch.cat([context, context])
        vae_scale = 2 ** (len(pipe.vae.config.block_out_channels) - 1)
        channels = pipe.unet.config.in_channels
        if audio:
            mel_bins = pipe.vocoder.config.model_in_dim
            hop = 1
            for rate in pipe.vocoder.config.upsample_rates:
                hop *= rate
            frames = int(args.duration / (hop / pipe.vocoder.config.sampling_rate))
            frames = -(-frames // vae_scale) * vae_scale
            latent = torch.randn(2, channels, frames // vae_scale, mel_bins // vae_scale, device=device, dtype=dtype)
        elif args.pipeline == "text-to-video":
            latent = torch.randn(2, channels, args.frames, args.size // vae_scale, args.size // vae_scale, device=device, dtype=dtype)
        else:
            latent = torch.randn(2, channels, args.size // vae_scale, args.size // vae_scale, device=device, dtype=dtype)
        timestep = torch.tensor([999.0, 999.0], device=device, dtype=torch.float32)
        trace(UNet(pipe.unet, audio), (latent, timestep, context), os.path.join(args.out, "unet." + suffix))
        files["unet"] = "unet." + suffix

        one = latent[:1, :, 0] if args.pipeline == "text-to-video" else latent[:1]
        methods = {"forward": one, "decode": one}
        if args.pipeline == "image-edit":
            methods["encode"] = torch.randn(1, 3, args.size, args.size, device=device, dtype=dtype)
            files["vae_encoder"] = "vae." + suffix + "#encode"
        trace(Vae(pipe.vae), None, os.path.join(args.out, "vae." + suffix), methods)
        files["vae_decoder"] = "vae." + suffix + "#decode"
        if audio:
            mel = Vae(pipe.vae).decode(one).squeeze(1)
            trace(Vocoder(pipe.vocoder), (mel,), os.path.join(args.out, "vocoder." + suffix))
            files["vocoder"] = "vocoder." + suffix

    spec_path = os.path.join(args.out, args.name + ".json")
    spec = json.load(open(spec_path)) if os.path.exists(spec_path) else {}
    components = spec.get("components", {})
    for component, file in files.items():
        entry = components.get(component)
        entry = entry if isinstance(entry, dict) else ({} if entry is None else {"cpu": entry})
        entry[variant] = file
        components[component] = entry
    spec.update({
        "name": args.name, "pipeline": args.pipeline,
        "description": spec.get("description", "%s with %s, in-process on DJL." % (args.pipeline, os.path.basename(args.checkpoint.rstrip("/")))),
        "components": components, "tokenizer": "tokenizer", "scheduler": {"config": "scheduler_config.json"},
        "vaeScalingFactor": pipe.vae.config.scaling_factor,
        "latent": {"channels": channels, "downscale": vae_scale},
        "device": spec.get("device", "auto"),
    })
    if args.scheduler:
        spec["scheduler"]["name"] = args.scheduler
    defaults = {"steps": args.steps, "guidanceScale": args.guidance if args.guidance is not None else (2.5 if audio else 7.5)}
    if audio:
        spec["audio"] = {"sampleRate": pipe.vocoder.config.sampling_rate, "melBins": mel_bins, "hopLength": hop}
        defaults["duration"] = args.duration
    else:
        defaults.update({"width": args.size, "height": args.size})
    if args.pipeline == "text-to-video":
        defaults["frames"] = args.frames
        spec["video"] = {"fps": 8}
    if args.pipeline == "image-edit":
        defaults["strength"] = 0.75
    spec["defaults"] = defaults
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=1)
    print("wrote", spec_path)


if __name__ == "__main__":
    main()
