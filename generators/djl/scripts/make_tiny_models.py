#!/usr/bin/python3
"""Makes the tiny TorchScript generators the DJL tests run, and their spec files.

Each model takes a 384-d sentence embedding (all-MiniLM-L6-v2) and a small noise vector and
returns media: an image, audio samples or video frames. Weights come from a fixed seed, so
running this script again gives the same models. Run with Debian's python3-torch:

    /usr/bin/python3 generators/djl/scripts/make_tiny_models.py generators/djl/src/test/resources/tiny
"""
import json
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

EMBEDDING = 384
NOISE = 8


class TinyImage(nn.Module):
    """Embedding + noise -> 3x8x8 colours -> upsampled to 3x32x32, values in 0..1 (CHW)."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(EMBEDDING + NOISE, 8)
        self.pixels = nn.Linear(8, 3 * 8 * 8)

    def forward(self, embedding: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.hidden(torch.cat([embedding * 8.0, noise], dim=1)))
        small = torch.sigmoid(self.pixels(h) * 2.0).reshape(-1, 3, 8, 8)
        return F.interpolate(small, size=[32, 32], mode="bilinear", align_corners=False)


class TinyAudio(nn.Module):
    """Embedding + noise -> four sine partials -> 8000 samples (one second at 8 kHz) in -1..1."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(EMBEDDING + NOISE, 8)

    def forward(self, embedding: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        h = self.hidden(torch.cat([embedding * 8.0, noise], dim=1))
        freqs = 110.0 + 770.0 * torch.sigmoid(h[:, 0:4])
        amps = torch.softmax(h[:, 4:8], dim=1) * 0.8
        t = torch.arange(8000, dtype=torch.float32) / 8000.0
        waves = torch.sin(2.0 * 3.141592653589793 * freqs.unsqueeze(2) * t.reshape(1, 1, -1))
        return (amps.unsqueeze(2) * waves).sum(dim=1)


class TinyVideo(nn.Module):
    """Embedding + noise -> 8 frames of 3x8x8 colours -> 8x3x32x32 (TCHW) in 0..1."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(EMBEDDING + NOISE, 8)
        self.pixels = nn.Linear(8, 3 * 8 * 8)
        self.motion = nn.Linear(8, 2)

    def forward(self, embedding: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.hidden(torch.cat([embedding * 8.0, noise], dim=1)))
        base = self.pixels(h).reshape(-1, 3, 8, 8)
        speed = torch.tanh(self.motion(h))
        frames = []
        for i in range(8):
            phase = float(i) / 8.0 * 6.283185307179586
            shifted = base * torch.cos(speed[:, 0:1].reshape(-1, 1, 1, 1) * phase) \
                + torch.sin(speed[:, 1:2].reshape(-1, 1, 1, 1) * phase)
            frames.append(torch.sigmoid(shifted * 2.0))
        video = torch.stack(frames, dim=1).reshape(-1, 3, 8, 8)
        return F.interpolate(video, size=[32, 32], mode="bilinear", align_corners=False).reshape(-1, 8, 3, 32, 32)


SPECS = {
    "tiny-image": (TinyImage, {
        "task": "text-to-image",
        "description": "Tiny TorchScript test generator: a 32x32 image from the prompt's embedding.",
        "output": {"kind": "image", "layout": "CHW", "range": "0..1"},
    }),
    "tiny-audio": (TinyAudio, {
        "task": "text-to-audio",
        "description": "Tiny TorchScript test generator: one second of tones from the prompt's embedding.",
        "output": {"kind": "audio", "sampleRate": 8000},
    }),
    "tiny-video": (TinyVideo, {
        "task": "text-to-video",
        "description": "Tiny TorchScript test generator: eight 32x32 frames from the prompt's embedding.",
        "output": {"kind": "video", "layout": "TCHW", "range": "0..1", "fps": 8},
    }),
}


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, (cls, spec) in SPECS.items():
        torch.manual_seed(20240607)
        model = cls().eval()
        scripted = torch.jit.script(model)
        file = name.replace("-", "_") + ".pt"
        scripted.save(os.path.join(out_dir, file))
        with torch.no_grad():
            sample = scripted(torch.zeros(1, EMBEDDING), torch.zeros(1, NOISE))
        document = {
            "name": name,
            "task": spec["task"],
            "description": spec["description"],
            "model": file,
            "inputs": {"conditioning": "embedding", "embeddingDim": EMBEDDING, "noiseDim": NOISE},
            "output": spec["output"],
        }
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
        size = os.path.getsize(os.path.join(out_dir, file))
        print(f"{name}: {file} {size} bytes, output shape {list(sample.shape)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "generators/djl/src/test/resources/tiny")
