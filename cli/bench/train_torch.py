"""The crowdtrain GPT of shared/model in PyTorch, trained on `threads` threads (default 1): the reference speed for
`crowdtrain bench train`. Same architecture (pre-LayerNorm blocks, fused qkv, sigmoid-GELU MLP,
untied bias-free head), AdamW with the same groups, global-norm clipping. Random tokens: speed only.
Reads one JSON object (model and train config, steps) from argv[1]; prints one JSON line."""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, c, heads, context):
        super().__init__()
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.heads = heads
        self.register_buffer("mask", torch.triu(torch.full((context, context), -1e9), 1))

    def forward(self, x):
        b, t, c = x.shape
        h, d = self.heads, c // self.heads
        q, k, v = self.qkv(x).view(b, t, 3, h, d).permute(2, 0, 3, 1, 4)
        att = torch.softmax((q / math.sqrt(d)) @ k.transpose(-2, -1) + self.mask[:t, :t], dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, t, c))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c, 4 * c)
        self.proj = nn.Linear(4 * c, c)

    def forward(self, x):
        h = self.fc(x)
        return self.proj(h * torch.sigmoid(1.702 * h))


class Block(nn.Module):
    def __init__(self, c, heads, context):
        super().__init__()
        self.ln1 = nn.LayerNorm(c)
        self.attn = CausalSelfAttention(c, heads, context)
        self.ln2 = nn.LayerNorm(c)
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab, context, c, layers, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Parameter(torch.zeros(context, c))
        self.h = nn.ModuleList([Block(c, heads, context) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)
        self.lm_head = nn.Linear(c, vocab, bias=False)

    def forward(self, idx, targets):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe[:t]
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg.get("threads", 1))
    torch.manual_seed(1)
    m, tr = cfg["model"], cfg["train"]
    model = GPT(cfg["vocabSize"], m["context"], m["width"], m["layers"], m["heads"])
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": tr["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=tr["lr"], betas=(tr["beta1"], tr["beta2"]),
    )
    b, t = tr["batch"], m["context"]

    def step():
        x = torch.randint(0, cfg["vocabSize"], (b, t))
        y = torch.randint(0, cfg["vocabSize"], (b, t))
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tr["clip"])
        opt.step()

    for _ in range(cfg["warmup"]):
        step()
    t0 = time.perf_counter()
    for _ in range(cfg["steps"]):
        step()
    dt = (time.perf_counter() - t0) / cfg["steps"]
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"torch": torch.__version__, "params": params, "stepsPerSec": 1 / dt, "tokensPerSec": b * t / dt}))


if __name__ == "__main__":
    main()
