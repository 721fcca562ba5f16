#!/usr/bin/python3
"""Makes the tiny random-weight diffusion components the tests run, their specs, and Python
reference outputs for fixed noise.

Every component has the call signature of the real exported one (see export_diffusers.py), so
the Java pipelines run them exactly as they run Stable Diffusion, AudioLDM or a text-to-video
UNet3D; only the sizes are tiny (KBs). Weights come from fixed seeds: running the script again
gives the same files. The reference loops below follow diffusers' pipelines step by step (CFG
batch order, scale_model_input, scheduler.step, VAE scaling, AudioLDM's vocoder trim, the
text-to-video frame-major step) with their own small re-implementation of the four schedulers;
the initial noise is torch.randn on a CPU generator seeded with the call's seed, which the Java
host noise reproduces.

    /usr/bin/python3 generators/diffusion/scripts/make_tiny_pipelines.py generators/diffusion/src/test/resources/tiny
"""
import json
import math
import os
import re
import struct
import sys
import zlib

import torch
from torch import nn
import torch.nn.functional as F

WORDS = ("a an the of in on at with and red blue green yellow black white fox cat dog bird car house "
         "tree snow sea sky city night sunset forest rain music piano drum bells song waves wind "
         "birds singing playing photo painting portrait blurry ugly").split()
CLIP_MAX = 16
CLAP_MAX = 16
CTX = 16


# ---------------------------------------------------------------- tokenizers (tokenizer.json)

def clip_like_tokenizer():
    vocab = {w: i for i, w in enumerate(WORDS)}
    unk, bos, eos = len(WORDS), len(WORDS) + 1, len(WORDS) + 2
    vocab.update({"<unk>": unk, "<|startoftext|>": bos, "<|endoftext|>": eos})
    config = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<unk>",
              "pad_token": "<|endoftext|>", "model_max_length": CLIP_MAX, "do_lower_case": True}
    return vocab, "<|startoftext|>", "<|endoftext|>", config


def roberta_like_tokenizer():
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    vocab.update({w: i + 4 for i, w in enumerate(WORDS)})
    config = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
              "model_max_length": CLAP_MAX}
    return vocab, "<s>", "</s>", config


def write_tokenizer(directory, vocab, bos, eos, config):
    os.makedirs(directory, exist_ok=True)
    specials = sorted({bos, eos, config["pad_token"], config["unk_token"]}, key=lambda t: vocab[t])
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in specials],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": eos, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": eos, "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in (bos, eos)},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": config["unk_token"]},
    }
    with open(os.path.join(directory, "tokenizer.json"), "w") as f:
        json.dump(tokenizer, f, indent=1, sort_keys=True)
    with open(os.path.join(directory, "tokenizer_config.json"), "w") as f:
        json.dump(config, f, indent=1, sort_keys=True)


def tokenize(text, vocab, bos, eos, config):
    """What tokenizer.json does: lowercase, split words and punctuation, look up, add specials,
    truncate to model_max_length, pad with the configured pad token."""
    max_length = config["model_max_length"]
    words = re.findall(r"\w+|[^\w\s]+", text.lower())
    ids = [vocab.get(w, vocab[config["unk_token"]]) for w in words][:max_length - 2]
    ids = [vocab[bos]] + ids + [vocab[eos]]
    mask = [1] * len(ids) + [0] * (max_length - len(ids))
    ids = ids + [vocab[config["pad_token"]]] * (max_length - len(ids))
    return torch.tensor([ids], dtype=torch.int64), torch.tensor([mask], dtype=torch.int64)


# ---------------------------------------------------------------- tiny components

def timestep_embedding(t, dim: int):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class TinyTextEncoder(nn.Module):
    """CLIP-shaped: int64 ids [B, L] -> last hidden state [B, L, 16]."""

    def __init__(self, vocab_size):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, CTX)
        self.positions = nn.Parameter(torch.randn(CLIP_MAX, CTX) * 0.1)
        self.mix = nn.Linear(CTX, CTX)

    def forward(self, ids):
        h = self.tokens(ids) + self.positions[None, : ids.shape[1]]
        return torch.tanh(self.mix(h))


class TinyClapText(nn.Module):
    """CLAP-shaped: ids [B, L] and attention mask [B, L] -> normalised text embedding [B, 16]."""

    def __init__(self, vocab_size):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, CTX)
        self.projection = nn.Linear(CTX, CTX)

    def forward(self, ids, mask):
        m = mask.float()[:, :, None]
        pooled = (self.tokens(ids) * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(self.projection(pooled), dim=-1)


class TinyUNet(nn.Module):
    """SD-shaped: latent [B, C, h, w], float timestep [B], text states [B, L, 16] -> noise [B, C, h, w],
    with one cross-attention from pixels to tokens."""

    def __init__(self, channels=4, hidden=8):
        super().__init__()
        self.conv_in = nn.Conv2d(channels, hidden, 3, padding=1)
        self.time = nn.Linear(8, hidden)
        self.query = nn.Conv2d(hidden, hidden, 1)
        self.key = nn.Linear(CTX, hidden)
        self.value = nn.Linear(CTX, hidden)
        self.conv_out = nn.Conv2d(hidden, channels, 3, padding=1)

    def forward(self, latent, timestep, context):
        h = self.conv_in(latent) + self.time(timestep_embedding(timestep, 8))[:, :, None, None]
        q = self.query(h).flatten(2).transpose(1, 2)
        attention = torch.softmax(q @ self.key(context).transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)
        h = h + (attention @ self.value(context)).transpose(1, 2).reshape(h.shape)
        return self.conv_out(F.silu(h))


class TinyAudioUNet(nn.Module):
    """AudioLDM-shaped: mel latent [B, 8, T, F], timestep [B], class labels (CLAP embedding) [B, 16] -> noise."""

    def __init__(self, channels=8, hidden=8):
        super().__init__()
        self.conv_in = nn.Conv2d(channels, hidden, 3, padding=1)
        self.time = nn.Linear(8, hidden)
        self.label = nn.Linear(CTX, hidden)
        self.conv_out = nn.Conv2d(hidden, channels, 3, padding=1)

    def forward(self, latent, timestep, class_labels):
        h = self.conv_in(latent) + (self.time(timestep_embedding(timestep, 8)) + self.label(class_labels))[:, :, None, None]
        return self.conv_out(F.silu(h))


class TinyUNet3D(nn.Module):
    """ModelScope-shaped: video latent [B, 4, F, h, w], timestep [B], text states [B, L, 16] -> noise."""

    def __init__(self, channels=4, hidden=8):
        super().__init__()
        self.conv_in = nn.Conv3d(channels, hidden, 3, padding=1)
        self.time = nn.Linear(8, hidden)
        self.text = nn.Linear(CTX, hidden)
        self.conv_out = nn.Conv3d(hidden, channels, 3, padding=1)

    def forward(self, latent, timestep, context):
        cond = self.time(timestep_embedding(timestep, 8)) + self.text(context.mean(1))
        h = self.conv_in(latent) + cond[:, :, None, None, None]
        return self.conv_out(F.silu(h))


class TinyVae(nn.Module):
    """One file, two methods (called as module_method): encode image [B, 3, H, W] in -1..1 -> latent mean
    [B, 4, H/8, W/8]; decode latent -> image in -1..1. forward is decode."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Conv2d(3, 4, 3, padding=1)
        self.dec_in = nn.Conv2d(4, 8, 3, padding=1)
        self.up = nn.ConvTranspose2d(8, 8, 8, stride=8)
        self.dec_out = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, latent):
        return self.decode(latent)

    def encode(self, image):
        return self.enc(F.avg_pool2d(image, 8))

    def decode(self, latent):
        return torch.tanh(self.dec_out(F.silu(self.up(F.silu(self.dec_in(latent))))))


class TinyMelVae(nn.Module):
    """AudioLDM VAE decoder: latent [B, 8, T/4, M/4] -> mel spectrogram [B, 1, T, M]."""

    def __init__(self):
        super().__init__()
        self.dec_in = nn.Conv2d(8, 8, 3, padding=1)
        self.up = nn.ConvTranspose2d(8, 4, 4, stride=4)
        self.dec_out = nn.Conv2d(4, 1, 3, padding=1)

    def forward(self, latent):
        return self.dec_out(F.silu(self.up(F.silu(self.dec_in(latent)))))


class TinyVocoder(nn.Module):
    """HiFi-GAN-shaped: mel [B, T, M] -> waveform [B, T * 160] in -1..1."""

    def __init__(self, mel_bins):
        super().__init__()
        self.conv = nn.Conv1d(mel_bins, 16, 3, padding=1)
        self.up = nn.ConvTranspose1d(16, 1, 160, stride=160)

    def forward(self, mel):
        return torch.tanh(self.up(torch.tanh(self.conv(mel.transpose(1, 2))))).squeeze(1)


# ---------------------------------------------------------------- reference schedulers (float32, as diffusers)

def train_alphas(config):
    n = config["num_train_timesteps"]
    if config["beta_schedule"] == "linear":
        betas = torch.linspace(config["beta_start"], config["beta_end"], n, dtype=torch.float32)
    else:
        betas = torch.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, n, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


class RefScheduler:
    def __init__(self, name, config, steps, generator):
        import numpy as np
        self.name, self.generator = name, generator
        n = config["num_train_timesteps"]
        self.ac = train_alphas(config)
        self.prediction = config.get("prediction_type", "epsilon")
        if name == "ddim":
            spacing = config.get("timestep_spacing", "leading")
            if spacing == "leading":
                ratio = n // steps
                ts = (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64) + config.get("steps_offset", 0)
            else:
                ts = np.round(np.arange(n, 0, -n / steps)).astype(np.int64) - 1
            self.timesteps = [float(t) for t in ts]
            self.stride = n // steps
            self.final = 1.0 if config.get("set_alpha_to_one", True) else self.ac[0]
            self.clip = config.get("clip_sample", True)
            self.init_sigma = 1.0
        elif name in ("euler", "euler-ancestral"):
            spacing = config.get("timestep_spacing", "linspace")
            if spacing == "linspace":
                ts = np.linspace(0, n - 1, steps, dtype=np.float32)[::-1].copy()
            elif spacing == "trailing":
                ts = np.arange(n, 0, -n / steps).round().copy().astype(np.float32) - 1
            else:
                ts = (np.arange(0, steps) * (n // steps)).round()[::-1].copy().astype(np.float32) + config.get("steps_offset", 0)
            sig = np.array(((1 - self.ac) / self.ac) ** 0.5)
            sig = np.interp(ts, np.arange(0, len(sig)), sig)
            self.sigmas = torch.from_numpy(np.concatenate([sig, [0.0]]).astype(np.float32))
            self.timesteps = [float(t) for t in ts]
            mx = self.sigmas.max()
            self.init_sigma = mx if spacing in ("linspace", "trailing") else (mx ** 2 + 1) ** 0.5
        else:
            original = config.get("original_inference_steps", 50)
            k = n // original
            origin = (np.asarray(list(range(1, original + 1))) * k - 1)[::-1].copy()
            idx = np.floor(np.linspace(0, len(origin), num=steps, endpoint=False)).astype(np.int64)
            self.timesteps = [float(t) for t in origin[idx]]
            self.final = 1.0 if config.get("set_alpha_to_one", True) else self.ac[0]
            self.scaling = config.get("timestep_scaling", 10.0)
            self.init_sigma = 1.0

    def scale(self, x, i):
        if self.name.startswith("euler"):
            return x / ((self.sigmas[i] ** 2 + 1) ** 0.5)
        return x

    def step(self, out, i, x):
        t = int(self.timesteps[i])
        if self.name == "ddim":
            prev = t - self.stride
            a = self.ac[t]
            ap = self.ac[prev] if prev >= 0 else torch.tensor(self.final)
            b = 1 - a
            if self.prediction == "epsilon":
                x0, eps = (x - b ** 0.5 * out) / a ** 0.5, out
            else:
                x0, eps = a ** 0.5 * x - b ** 0.5 * out, a ** 0.5 * out + b ** 0.5 * x
            if self.clip:
                x0 = x0.clamp(-1, 1)
            return ap ** 0.5 * x0 + (1 - ap) ** 0.5 * eps
        if self.name.startswith("euler"):
            s = self.sigmas[i]
            if self.prediction == "epsilon":
                x0 = x - s * out
            else:
                x0 = out * (-s / (s ** 2 + 1) ** 0.5) + (x / (s ** 2 + 1))
            d = (x - x0) / s
            if self.name == "euler":
                return x + d * (self.sigmas[i + 1] - s)
            sf, st = self.sigmas[i], self.sigmas[i + 1]
            up = (st ** 2 * (sf ** 2 - st ** 2) / sf ** 2) ** 0.5
            down = (st ** 2 - up ** 2) ** 0.5
            x = x + d * (down - s)
            return x + torch.randn(out.shape, generator=self.generator, dtype=out.dtype) * up
        prev = int(self.timesteps[i + 1]) if i + 1 < len(self.timesteps) else t
        a = self.ac[t]
        ap = self.ac[prev] if prev >= 0 else torch.tensor(self.final)
        scaled = t * self.scaling
        c_skip = 0.5 ** 2 / (scaled ** 2 + 0.5 ** 2)
        c_out = scaled / (scaled ** 2 + 0.5 ** 2) ** 0.5
        if self.prediction == "epsilon":
            x0 = (x - (1 - a).sqrt() * out) / a.sqrt()
        else:
            x0 = a.sqrt() * x - (1 - a).sqrt() * out
        denoised = c_out * x0 + c_skip * x
        if i == len(self.timesteps) - 1:
            return denoised
        noise = torch.randn(out.shape, generator=self.generator, dtype=out.dtype)
        return ap.sqrt() * denoised + (1 - ap).sqrt() * noise

    def add_noise(self, x, noise, i):
        if self.name.startswith("euler"):
            return x + noise * self.sigmas[i]
        a = self.ac[int(self.timesteps[i])]
        return a ** 0.5 * x + (1 - a) ** 0.5 * noise


def guided(unet, latents, timestep, cond, uncond, guidance, scheduler, i):
    cfg = guidance > 1.0
    batch = torch.cat([latents] * 2) if cfg else latents
    batch = scheduler.scale(batch, i)
    context = torch.cat([uncond, cond]) if cfg else cond
    t = torch.full((batch.shape[0],), timestep, dtype=torch.float32)
    out = unet(batch, t, context)
    if cfg:
        u, c = out.chunk(2)
        out = u + guidance * (c - u)
    return out


# ---------------------------------------------------------------- files

def png(path, pixels, width, height):
    raw = b"".join(b"\x00" + bytes(pixels[y * width * 3:(y + 1) * width * 3]) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def save_floats(directory, name, tensor):
    data = tensor.detach().contiguous().flatten().tolist()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(struct.pack("<%df" % len(data), *data))
    return {"file": name, "shape": list(tensor.shape)}


def trace(module, path, example):
    module.eval()
    with torch.no_grad():
        traced = torch.jit.trace(module, example, check_trace=False)
    traced.save(path)
    return torch.jit.load(path)


def main(out):
    torch.manual_seed(1234)
    os.makedirs(out, exist_ok=True)
    for d in ("sd", "audio", "video", "references"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    refs = os.path.join(out, "references")

    clip_vocab, clip_bos, clip_eos, clip_config = clip_like_tokenizer()
    write_tokenizer(os.path.join(out, "sd", "tokenizer"), clip_vocab, clip_bos, clip_eos, clip_config)
    clap_vocab, clap_bos, clap_eos, clap_config = roberta_like_tokenizer()
    write_tokenizer(os.path.join(out, "audio", "tokenizer"), clap_vocab, clap_bos, clap_eos, clap_config)

    sd_scheduler = {"_class_name": "DDIMScheduler", "num_train_timesteps": 1000, "beta_start": 0.00085,
                    "beta_end": 0.012, "beta_schedule": "scaled_linear", "clip_sample": False,
                    "set_alpha_to_one": False, "steps_offset": 1, "prediction_type": "epsilon"}
    audio_scheduler = dict(sd_scheduler, beta_start=0.0015, beta_end=0.0195)
    for d, cfg in (("sd", sd_scheduler), ("audio", audio_scheduler), ("video", sd_scheduler)):
        with open(os.path.join(out, d, "scheduler_config.json"), "w") as f:
            json.dump(cfg, f, indent=1, sort_keys=True)

    ids, _ = tokenize("a fox", clip_vocab, clip_bos, clip_eos, clip_config)
    text_encoder = trace(TinyTextEncoder(len(clip_vocab)), os.path.join(out, "sd", "text_encoder.pt"), (ids,))
    unet = trace(TinyUNet(), os.path.join(out, "sd", "unet.pt"),
                 (torch.randn(2, 4, 4, 4), torch.tensor([999.0, 999.0]), torch.randn(2, CLIP_MAX, CTX)))
    vae_module = TinyVae().eval()
    with torch.no_grad():
        vae_traced = torch.jit.trace_module(vae_module, {"forward": torch.randn(1, 4, 4, 4),
                                                         "encode": torch.randn(1, 3, 32, 32),
                                                         "decode": torch.randn(1, 4, 4, 4)}, check_trace=False)
    vae_traced.save(os.path.join(out, "sd", "vae.pt"))
    vae = torch.jit.load(os.path.join(out, "sd", "vae.pt"))

    clap_ids, clap_mask = tokenize("a dog", clap_vocab, clap_bos, clap_eos, clap_config)
    clap = trace(TinyClapText(len(clap_vocab)), os.path.join(out, "audio", "text_encoder.pt"), (clap_ids, clap_mask))
    mel_bins = 16
    audio_unet = trace(TinyAudioUNet(), os.path.join(out, "audio", "unet.pt"),
                       (torch.randn(2, 8, 8, mel_bins // 4), torch.tensor([999.0, 999.0]), torch.randn(2, CTX)))
    mel_vae = trace(TinyMelVae(), os.path.join(out, "audio", "vae_decoder.pt"), (torch.randn(1, 8, 8, mel_bins // 4),))
    vocoder = trace(TinyVocoder(mel_bins), os.path.join(out, "audio", "vocoder.pt"), (torch.randn(1, 32, mel_bins),))

    unet3d = trace(TinyUNet3D(), os.path.join(out, "video", "unet3d.pt"),
                   (torch.randn(2, 4, 4, 2, 2), torch.tensor([999.0, 999.0]), torch.randn(2, CLIP_MAX, CTX)))

    scaling = 0.18215
    specs = {
        "sd-tiny.json": {
            "name": "sd-tiny", "pipeline": "text-to-image",
            "description": "Tiny random-weight Stable Diffusion-shaped pipeline (test fixture): 32x32 noise-like images.",
            "components": {"text_encoder": "sd/text_encoder.pt", "unet": "sd/unet.pt",
                           "vae_decoder": "sd/vae.pt#decode"},
            "tokenizer": "sd/tokenizer", "scheduler": {"config": "sd/scheduler_config.json", "name": "ddim"},
            "vaeScalingFactor": scaling, "latent": {"channels": 4, "downscale": 8},
            "defaults": {"steps": 4, "guidanceScale": 7.5, "width": 32, "height": 32},
            "device": "auto"},
        "sd-edit-tiny.json": {
            "name": "sd-edit-tiny", "pipeline": "image-edit",
            "description": "Tiny random-weight img2img pipeline (test fixture).",
            "components": {"text_encoder": "sd/text_encoder.pt", "unet": "sd/unet.pt",
                           "vae_encoder": "sd/vae.pt#encode", "vae_decoder": "sd/vae.pt#decode"},
            "tokenizer": "sd/tokenizer", "scheduler": {"config": "sd/scheduler_config.json", "name": "ddim"},
            "vaeScalingFactor": scaling, "latent": {"channels": 4, "downscale": 8},
            "defaults": {"steps": 5, "guidanceScale": 7.5, "width": 32, "height": 32, "strength": 0.6},
            "device": "auto"},
        "audioldm-tiny.json": {
            "name": "audioldm-tiny", "pipeline": "text-to-audio",
            "description": "Tiny random-weight AudioLDM-shaped pipeline (test fixture): 16 kHz noise-like audio.",
            "components": {"text_encoder": "audio/text_encoder.pt", "unet": "audio/unet.pt",
                           "vae_decoder": "audio/vae_decoder.pt", "vocoder": "audio/vocoder.pt"},
            "tokenizer": "audio/tokenizer", "scheduler": {"config": "audio/scheduler_config.json", "name": "ddim"},
            "vaeScalingFactor": scaling, "latent": {"channels": 8, "downscale": 4},
            "audio": {"sampleRate": 16000, "melBins": mel_bins, "hopLength": 160},
            "defaults": {"steps": 4, "guidanceScale": 2.5, "duration": 0.32},
            "device": "auto"},
        "video-tiny.json": {
            "name": "video-tiny", "pipeline": "text-to-video",
            "description": "Tiny random-weight ModelScope-shaped text-to-video pipeline (test fixture).",
            "components": {"text_encoder": "sd/text_encoder.pt", "unet": "video/unet3d.pt",
                           "vae_decoder": "sd/vae.pt#decode"},
            "tokenizer": "sd/tokenizer", "scheduler": {"config": "video/scheduler_config.json", "name": "ddim"},
            "vaeScalingFactor": scaling, "latent": {"channels": 4, "downscale": 8},
            "video": {"fps": 8},
            "defaults": {"steps": 3, "guidanceScale": 7.5, "width": 16, "height": 16, "frames": 4},
            "device": "auto"},
    }
    for name, spec in specs.items():
        with open(os.path.join(out, name), "w") as f:
            json.dump(spec, f, indent=1)

    cases = []
    prompt, negative = "a red fox in the snow, photo", "blurry"
    with torch.no_grad():
        cond = text_encoder(tokenize(prompt, clip_vocab, clip_bos, clip_eos, clip_config)[0])
        uncond = text_encoder(tokenize(negative, clip_vocab, clip_bos, clip_eos, clip_config)[0])
        configs = {
            "ddim": sd_scheduler,
            "euler": dict(sd_scheduler, _class_name="EulerDiscreteScheduler", timestep_spacing="linspace"),
            "euler-ancestral": dict(sd_scheduler, _class_name="EulerAncestralDiscreteScheduler", timestep_spacing="trailing"),
            "lcm": dict(sd_scheduler, _class_name="LCMScheduler"),
        }
        for name, steps, guidance in (("ddim", 4, 7.5), ("euler", 4, 7.5), ("euler-ancestral", 2, 1.0), ("lcm", 4, 1.0)):
            seed = 3
            generator = torch.manual_seed(seed)
            sched = RefScheduler(name, configs[name], steps, generator)
            latents = torch.randn((1, 4, 4, 4), generator=generator, dtype=torch.float32) * sched.init_sigma
            for i, t in enumerate(sched.timesteps):
                latents = sched.step(guided(unet, latents, t, cond, uncond, guidance, sched, i), i, latents)
            image = vae.decode(latents / scaling)
            cases.append({"pipeline": "text-to-image", "spec": "sd-tiny.json", "scheduler": name,
                          "schedulerConfig": configs[name],
                          "args": {"prompt": prompt, "negative_prompt": negative, "seed": seed, "steps": steps,
                                   "guidance_scale": guidance, "width": 32, "height": 32},
                          "latents": save_floats(refs, "t2i-%s-latents.f32" % name, latents),
                          "output": save_floats(refs, "t2i-%s-image.f32" % name, image)})

        # image-edit: a gradient picture, encoded, noised to the strength's step, denoised
        pixels = []
        for y in range(32):
            for x in range(32):
                pixels += [x * 8, y * 8, (x * y) % 256]
        png(os.path.join(out, "references", "edit-input.png"), pixels, 32, 32)
        image_in = torch.tensor(pixels, dtype=torch.float32).reshape(32, 32, 3).permute(2, 0, 1)[None] / 255.0 * 2.0 - 1.0
        for name in ("ddim", "euler-ancestral"):
            steps, strength, guidance, seed = 5, 0.6, 7.5, 11
            generator = torch.manual_seed(seed)
            sched = RefScheduler(name, configs[name], steps, generator)
            init = vae.encode(image_in) * scaling
            start = max(steps - min(int(steps * strength), steps), 0)
            noise = torch.randn(init.shape, generator=generator, dtype=torch.float32)
            latents = sched.add_noise(init, noise, start)
            for i in range(start, len(sched.timesteps)):
                latents = sched.step(guided(unet, latents, sched.timesteps[i], cond, uncond, guidance, sched, i), i, latents)
            image = vae.decode(latents / scaling)
            cases.append({"pipeline": "image-edit", "spec": "sd-edit-tiny.json", "scheduler": name,
                          "schedulerConfig": configs[name], "input": "edit-input.png",
                          "args": {"prompt": prompt, "negative_prompt": negative, "seed": seed, "steps": steps,
                                   "guidance_scale": guidance, "strength": strength},
                          "latents": save_floats(refs, "edit-%s-latents.f32" % name, latents),
                          "output": save_floats(refs, "edit-%s-image.f32" % name, image)})

        # text-to-audio (AudioLDM): CLAP embedding as class labels, mel latents, VAE, vocoder, trim
        audio_prompt, duration, seed, steps, guidance = "birds singing in the rain", 0.32, 5, 4, 2.5
        a_cond = clap(*tokenize(audio_prompt, clap_vocab, clap_bos, clap_eos, clap_config))
        a_uncond = clap(*tokenize("", clap_vocab, clap_bos, clap_eos, clap_config))
        generator = torch.manual_seed(seed)
        sched = RefScheduler("ddim", audio_scheduler, steps, generator)
        height = int(duration / (160 / 16000))
        height = int(math.ceil(height / 4) * 4)
        latents = torch.randn((1, 8, height // 4, mel_bins // 4), generator=generator) * sched.init_sigma
        for i, t in enumerate(sched.timesteps):
            latents = sched.step(guided(audio_unet, latents, t, a_cond, a_uncond, guidance, sched, i), i, latents)
        mel = mel_vae(latents / scaling)
        wave = vocoder(mel.squeeze(1))[:, : int(duration * 16000)]
        cases.append({"pipeline": "text-to-audio", "spec": "audioldm-tiny.json", "scheduler": "ddim",
                      "schedulerConfig": audio_scheduler,
                      "args": {"prompt": audio_prompt, "seed": seed, "steps": steps, "guidance_scale": guidance,
                               "duration": duration},
                      "latents": save_floats(refs, "t2a-ddim-latents.f32", latents),
                      "output": save_floats(refs, "t2a-ddim-wave.f32", wave)})

        # text-to-video (ModelScope): UNet3D over [B, 4, F, h, w], step on frames as a batch, per-frame decode
        v_prompt, frames, seed, steps, guidance = "waves on the sea at sunset", 4, 7, 3, 7.5
        v_cond = text_encoder(tokenize(v_prompt, clip_vocab, clip_bos, clip_eos, clip_config)[0])
        v_uncond = text_encoder(tokenize("", clip_vocab, clip_bos, clip_eos, clip_config)[0])
        for name in ("ddim", "euler-ancestral"):
            generator = torch.manual_seed(seed)
            sched = RefScheduler(name, configs[name] if name != "ddim" else sd_scheduler, steps, generator)
            latents = torch.randn((1, 4, frames, 2, 2), generator=generator) * sched.init_sigma
            for i, t in enumerate(sched.timesteps):
                out_ = guided(unet3d, latents, t, v_cond, v_uncond, guidance, sched, i)
                b, c, f, h, w = latents.shape
                flat = latents.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w)
                out_ = out_.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w)
                flat = sched.step(out_, i, flat)
                latents = flat.reshape(b, f, c, h, w).permute(0, 2, 1, 3, 4)
            video = torch.cat([vae.decode(latents[:, :, k] / scaling) for k in range(frames)])
            cases.append({"pipeline": "text-to-video", "spec": "video-tiny.json", "scheduler": name,
                          "schedulerConfig": configs[name],
                          "args": {"prompt": v_prompt, "seed": seed, "steps": steps, "guidance_scale": guidance,
                                   "frames": frames},
                          "latents": save_floats(refs, "t2v-%s-latents.f32" % name, latents),
                          "output": save_floats(refs, "t2v-%s-frames.f32" % name, video)})

    with open(os.path.join(refs, "references.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tiny")
