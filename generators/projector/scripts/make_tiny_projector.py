"""Makes the tiny random-weight fixtures of the learned input projector's tests (run with Debian's
python3-torch, torch 1.13: /usr/bin/python3 scripts/make_tiny_projector.py OUT_DIR).

Writes, into OUT_DIR:
  encoder.pt        TorchScript image encoder, float [B,3,32,32] (normalised) -> [B,16]; stands in for CLIP
  embeddings.pt     TorchScript token embedding table of the "LLM", int64 [N] -> [N,24]
  tokenizer/tokenizer.json, tokenizer/tokenizer_config.json   a word-level tokenizer of 64 words
  projector.json    the projector spec the Java code reads
  reference.json    for fixed inputs: the encoder's embedding of a test picture and the text embeddings,
                    computed here so the Java side is checked against an independent run
The weights are random (seeded), the shapes are those of a real set-up scaled down.
"""
import json
import os
import sys

import torch

torch.manual_seed(7)
out = sys.argv[1] if len(sys.argv) > 1 else "tiny"
os.makedirs(os.path.join(out, "tokenizer"), exist_ok=True)
EMBED, HIDDEN, SIZE = 16, 24, 32


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.proj = torch.nn.Linear(8, EMBED)

    def forward(self, pixels):
        x = torch.nn.functional.gelu(self.conv(pixels))
        return self.proj(x.mean(dim=(2, 3)))


words = ["[UNK]", "[PAD]", "USER:", "ASSISTANT:", "SYSTEM:", "<image>", "what", "is", "in", "this", "picture", "?",
         "a", "the", "red", "blue", "green", "fox", "dog", "cat", "snow", "field", "sky", "kite", "house", "tree",
         "sea", "boat", "and", "of", "on", "with", "describe", "it", "photo", "image", "shows", "small", "big",
         "dark", "bright", "night", "day", "sun", "moon", "car", "road", "city", "street", "river", "bird",
         "flying", "over", "under", "near", "one", "two", "three", ".", ",", "you", "are", "helpful", "assistant"]
assert len(words) == 64
vocab = {w.lower(): i for i, w in enumerate(words)}

encoder = torch.jit.trace(Encoder().eval(), torch.zeros(1, 3, SIZE, SIZE))
encoder.save(os.path.join(out, "encoder.pt"))


class Embeddings(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.table = torch.nn.Embedding(len(words), HIDDEN)

    def forward(self, ids):
        return self.table(ids)


embeddings = torch.jit.trace(Embeddings().eval(), torch.zeros(3, dtype=torch.int64))
embeddings.save(os.path.join(out, "embeddings.pt"))

tokenizer = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": 1, "content": "[PAD]", "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True}],
    "normalizer": {"type": "Lowercase"},
    "pre_tokenizer": {"type": "WhitespaceSplit"},
    "post_processor": None, "decoder": None,
    "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[unk]"},
}
with open(os.path.join(out, "tokenizer", "tokenizer.json"), "w") as f:
    json.dump(tokenizer, f, indent=1)
with open(os.path.join(out, "tokenizer", "tokenizer_config.json"), "w") as f:
    json.dump({"pad_token": "[PAD]", "model_max_length": 512}, f)

spec = {
    "encoder": "encoder.pt", "imageSize": SIZE,
    "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711],
    "embeddingSize": EMBED, "embeddings": "embeddings.pt", "hiddenSize": HIDDEN, "tokenizer": "tokenizer",
    "softTokens": 4, "projectorHidden": 32, "projector": "projector.params",
    "systemTemplate": "SYSTEM: {text}\n", "userTemplate": "USER: {text}\n",
    "assistantTemplate": "ASSISTANT: {text}\n", "generationPrompt": "ASSISTANT:",
}
with open(os.path.join(out, "projector.json"), "w") as f:
    json.dump(spec, f, indent=1)

# reference: a 32x32 picture whose pixel (y, x) is (8x, 8y, 128), normalised as the Java side does
img = torch.zeros(1, 3, SIZE, SIZE)
for y in range(SIZE):
    for x in range(SIZE):
        rgb = (8 * x, 8 * y, 128)
        for c in range(3):
            img[0, c, y, x] = (rgb[c] / 255.0 - spec["mean"][c]) / spec["std"][c]
text = "USER: what is in this picture ?"
ids = [vocab.get(w, 0) for w in text.lower().split()]
with torch.no_grad():
    ref = {"embedding": encoder(img)[0].tolist(), "text": text,
           "ids": ids, "textEmbeddings": embeddings(torch.tensor(ids)).tolist()}
with open(os.path.join(out, "reference.json"), "w") as f:
    json.dump(ref, f)
print("wrote", out)
