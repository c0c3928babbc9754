#!/usr/bin/python3
"""The numbers of `./model diagnose` computed independently with PyTorch.

Builds the MLP of examples/gen_deep_mlp.py (same flags) as a PyTorch module,
loads the weights that `diagnose --save` wrote, runs the first batch of
Fashion-MNIST's training set (file order, x/255) in training mode and
computes per layer the intra-neuron variance, its ratio to the mean square,
the mean pairwise cosine of the post-activations and the dead-ReLU
fraction, every parameter's gradient norm and the loss, in float64 from
PyTorch's float32 activations. Compares them with nnc's --json report:
relative difference ≤ --tolerance (dead fractions: within two units).
Prints one line per quantity, a summary (first/last-layer cosine, variance
decay, first-layer weight gradient) and "agreement: PASS", or exits 1.

torch_diagnose.py --depth D [--width W] [--init I] [--bn|--residual] --weights F --report R
"""
import argparse
import gzip
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def load_safetensors(path):
    data = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    return {k: torch.from_numpy(np.frombuffer(
                body[v["data_offsets"][0]:v["data_offsets"][1]],
                dtype="<f4").reshape(v["shape"]).copy())
            for k, v in header.items() if k != "__metadata__"}


class DeepMlp(nn.Module):
    """fc1 .. fc{depth}, bn1 .. with --bn; fc2 .. fc{depth-1} residual."""

    def __init__(self, depth, width, bn, residual):
        super().__init__()
        self.depth, self.bn, self.residual = depth, bn, residual
        for k in range(1, depth + 1):
            fan_in = 784 if k == 1 else width
            setattr(self, f"fc{k}", nn.Linear(fan_in, 10 if k == depth else width))
            if bn and k < depth:
                setattr(self, f"bn{k}", nn.BatchNorm1d(width))

    def forward(self, x, tape):
        """Appends (pre, post) of every ReLU and (logits, None) to tape."""
        def relu(z):
            a = torch.relu(z)
            tape.append((z, a))
            return a
        if self.residual:
            h = self.fc1(x)
            for k in range(2, self.depth):
                h = h + getattr(self, f"fc{k}")(relu(h))
            h = relu(h)
        else:
            h = x
            for k in range(1, self.depth):
                z = getattr(self, f"fc{k}")(h)
                h = relu(getattr(self, f"bn{k}")(z) if self.bn else z)
        logits = getattr(self, f"fc{self.depth}")(h)
        tape.append((logits, None))
        return logits


def layer_stats(pre, post):
    z = pre.detach().double().reshape(pre.shape[0], -1)
    a = (post if post is not None else pre).detach().double().reshape(z.shape)
    n = z.shape[0]
    variance = z.var(dim=0, unbiased=False).mean().item()
    ratio = (z.var(dim=0, unbiased=False).sum() / (z * z).mean(dim=0).sum()).item()
    norms = a.norm(dim=1, keepdim=True)
    u = torch.where(norms > 0, a / norms.clamp_min(1e-300), torch.zeros_like(a))
    gram = u @ u.T
    cosine = ((gram.sum() - gram.diagonal().sum()) / (n * (n - 1))).item()
    zn = z.norm(dim=1, keepdim=True)
    uz = torch.where(zn > 0, z / zn.clamp_min(1e-300), torch.zeros_like(z))
    gz = uz @ uz.T
    cosine_pre = ((gz.sum() - gz.diagonal().sum()) / (n * (n - 1))).item()
    dead = (z <= 0).all(dim=0).double().mean().item() if post is not None else None
    return {"variance": variance, "variance_ratio": ratio, "cosine": cosine,
            "cosine_pre": cosine_pre,
            "dead_fraction": dead, "units": z.shape[1]}


def first_batch(batch):
    with gzip.open(f"{DATA}/train-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(f"{DATA}/train-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return (torch.from_numpy(images[:batch].astype(np.float32) / 255),
            torch.from_numpy(labels[:batch]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--depth", type=int, required=True)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--bn", action="store_true")
    p.add_argument("--residual", action="store_true")
    p.add_argument("--init", help="ignored (the weights come from --weights); "
                   "accepted so that the generator's flags can be passed as they are")
    p.add_argument("--weights", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--tolerance", type=float, default=0.05)
    a = p.parse_args()
    report = json.loads(Path(a.report).read_text())
    model = DeepMlp(a.depth, a.width, a.bn, a.residual)
    weights = load_safetensors(a.weights)
    state = model.state_dict()
    for name in state:
        if name.endswith("num_batches_tracked"):
            weights[name] = state[name]
    model.load_state_dict(weights)
    model.train()
    x, y = first_batch(report["batch"])
    tape = []
    loss = nn.functional.cross_entropy(model(x, tape), y)
    loss.backward()

    worst, failures = 0.0, 0

    def compare(what, ours, theirs, slack=0.0):
        nonlocal worst, failures
        if theirs is None or ours is None:
            ok = theirs is None and ours is None
            diff = 0.0 if ok else math.inf
        else:
            diff = abs(ours - theirs) / max(abs(theirs), 1e-30)
            ok = diff <= a.tolerance or abs(ours - theirs) <= slack
            worst = max(worst, diff if abs(ours - theirs) > slack else 0.0)
        failures += not ok
        print(f"{'ok' if ok else 'FAIL'} {what}: nnc {ours!r} torch {theirs!r} rel {diff:.3g}")

    compare("loss", report["loss"], loss.item())
    if len(tape) != len(report["layers"]):
        print(f"FAIL layers: nnc {len(report['layers'])} torch {len(tape)}")
        sys.exit(1)
    for i, ((pre, post), ours) in enumerate(zip(tape, report["layers"]), 1):
        theirs = layer_stats(pre, post)
        for key in ("variance", "variance_ratio", "cosine", "cosine_pre"):
            compare(f"layer {i} {key}", ours[key], theirs[key])
        compare(f"layer {i} dead_fraction", ours["dead_fraction"],
                theirs["dead_fraction"], slack=2.0 / theirs["units"])
    grads = {name: p.grad.double().norm().item()
             for name, p in model.named_parameters()}
    # A bias right before BatchNorm has gradient 0 in exact arithmetic: both
    # sides report round-off, ~1e-8 of the largest gradient.
    floor = 1e-6 * max(grads.values())
    for g in report["gradients"]:
        compare(f"{g['name']} grad norm", g["norm"], grads[g["name"]], floor)
    layers = report["layers"]
    print(f"first-layer cosine: {layers[0]['cosine']:.4f}")
    print(f"last-layer cosine: {layers[-1]['cosine']:.4f}")
    print(f"last hidden layer variance / first: "
          f"{layers[-2]['variance'] / layers[0]['variance']:.3g}")
    print(f"fc1.weight grad norm: {grads['fc1.weight']:.4g}")
    print(f"max relative difference: {worst:.3g}")
    print("agreement:", "PASS" if failures == 0 else f"FAIL ({failures})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
