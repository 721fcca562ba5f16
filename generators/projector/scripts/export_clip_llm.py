"""Exports the parts of a learned input projector from Hugging Face checkpoints, for
`llm.projector: learned` (documented in generators/projector/README.md; not run by the tests).

  python3 export_clip_llm.py --clip openai/clip-vit-base-patch32 --llm Qwen/Qwen2.5-1.5B-Instruct --out models/projector

Needs torch and transformers (and the checkpoints in the local Hugging Face cache, or network access
where you run it). Writes into --out:
  encoder.pt       CLIP's vision tower with its projection, traced: float [1,3,S,S] -> [1,E] (image_embeds)
  embeddings.pt    the LLM's input embedding table, traced: int64 [N] -> [N,H]
  tokenizer/       the LLM's tokenizer.json and tokenizer_config.json
  projector.json   the spec; train the MLP with `modaweave projector train --spec projector.json --data PAIRS`
The LLM served by vLLM (`vllm serve <llm> --enable-prompt-embeds`) must be the same checkpoint, so
the embedding table matches. Traces are made on the CPU in float32; the projector runs there too.
"""
import argparse
import json
import os

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, CLIPImageProcessor, CLIPVisionModelWithProjection

parser = argparse.ArgumentParser()
parser.add_argument("--clip", required=True)
parser.add_argument("--llm", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--soft-tokens", type=int, default=8)
parser.add_argument("--projector-hidden", type=int, default=2048)
args = parser.parse_args()
os.makedirs(os.path.join(args.out, "tokenizer"), exist_ok=True)

vision = CLIPVisionModelWithProjection.from_pretrained(args.clip).eval()
processor = CLIPImageProcessor.from_pretrained(args.clip)
size = processor.crop_size["height"]


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixels):
        return self.model(pixel_values=pixels).image_embeds


with torch.no_grad():
    encoder = torch.jit.trace(Encoder(vision), torch.zeros(1, 3, size, size), strict=False)
encoder.save(os.path.join(args.out, "encoder.pt"))

llm = AutoModelForCausalLM.from_pretrained(args.llm, torch_dtype=torch.float32)
table = llm.get_input_embeddings().eval()


class Embeddings(torch.nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, ids):
        return self.table(ids)


with torch.no_grad():
    embeddings = torch.jit.trace(Embeddings(table), torch.zeros(4, dtype=torch.int64))
embeddings.save(os.path.join(args.out, "embeddings.pt"))

tokenizer = AutoTokenizer.from_pretrained(args.llm)
tokenizer.save_pretrained(os.path.join(args.out, "tokenizer"))  # writes tokenizer.json for fast tokenizers
if not os.path.exists(os.path.join(args.out, "tokenizer", "tokenizer.json")):
    raise SystemExit("the LLM's tokenizer has no tokenizer.json (not a fast tokenizer); the Java side needs one")

# chat markers of the model's template, rendered once around a placeholder
def around(role):
    text = tokenizer.apply_chat_template([{"role": role, "content": "{text}"}], tokenize=False)
    return text

spec = {
    "encoder": "encoder.pt", "imageSize": size,
    "mean": processor.image_mean, "std": processor.image_std,
    "embeddingSize": vision.config.projection_dim,
    "embeddings": "embeddings.pt", "hiddenSize": table.embedding_dim, "tokenizer": "tokenizer",
    "softTokens": args.soft_tokens, "projectorHidden": args.projector_hidden, "projector": "projector.params",
    "systemTemplate": around("system"), "userTemplate": around("user"), "assistantTemplate": around("assistant"),
    "generationPrompt": tokenizer.apply_chat_template([], tokenize=False, add_generation_prompt=True),
}
with open(os.path.join(args.out, "projector.json"), "w") as f:
    json.dump(spec, f, indent=1)
print("wrote", args.out, "- check the four templates in projector.json against the model card before training")
