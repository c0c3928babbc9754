#!/usr/bin/python3
"""Step-by-step agreement of an nnc model with the same network in PyTorch.

Exports PyTorch's initial weights to safetensors, trains both for N steps
on the same unshuffled Fashion-MNIST batches with SGD + global-norm
clipping, and compares every step's loss (relative error) and the final
weights (max |a − b| / max |b| per tensor). Exits 1 past the tolerances.

PyTorch trains in float64 by default (`--reference float64`, from the same
float32 initial weights and batches): the exact result that nnc's float32
training approximates. PyTorch's own float32 run is not that reference:
with BatchNorm its float32 sums drift from its float64 run by 2e-3 over 50
steps on an AVX-512 machine, while nnc, whose long sums are float64, stays
within 1e-7 of it; `--reference float32` compares against it anyway.

agreement.py --model NAME --nnc BINARY --workdir DIR [--steps 50]
             [--reference float64|float32] [--freeze A,B] [--seed N]
             [--batch 128]
"""
import argparse
import gzip
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def mlp_bn():
    return nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
                         nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(),
                         nn.Linear(256, 10)), (784,)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32)
        self.fc = nn.Linear(1568, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = nn.functional.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


def mlp(activation):
    """784-256-256-10 with one activation, as examples/mlp*.mlir."""
    return lambda: (nn.Sequential(nn.Linear(784, 256), activation(),
                                  nn.Linear(256, 256), activation(),
                                  nn.Linear(256, 10)), (784,))


class ResidualMlp(nn.Module):
    """examples/residual_mlp.mlir: 784->256, 8 blocks
    h <- h + fc2(relu(fc1(relu(h)))), relu, 256->10."""

    def __init__(self, blocks=8):
        super().__init__()
        self.fc_in = nn.Linear(784, 256)
        self.blocks = nn.ModuleDict({
            str(i): nn.ModuleDict({"fc1": nn.Linear(256, 256), "fc2": nn.Linear(256, 256)})
            for i in range(1, blocks + 1)})
        self.fc_out = nn.Linear(256, 10)

    def forward(self, x):
        h = self.fc_in(x)
        for block in self.blocks.values():
            h = h + block["fc2"](torch.relu(block["fc1"](torch.relu(h))))
        return self.fc_out(torch.relu(h))


def mlp_layernorm():
    return nn.Sequential(nn.Linear(784, 256), nn.LayerNorm(256), nn.ELU(),
                         nn.Linear(256, 256), nn.LayerNorm(256), nn.ELU(),
                         nn.Linear(256, 10)), (784,)


class CnnGroupNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.gn1 = nn.Conv2d(1, 8, 3, padding=1), nn.GroupNorm(2, 8)
        self.conv2, self.gn2 = nn.Conv2d(8, 16, 3, padding=1), nn.GroupNorm(4, 16)
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        x = nn.functional.avg_pool2d(nn.functional.elu(self.gn1(self.conv1(x))), 2)
        x = nn.functional.avg_pool2d(nn.functional.elu(self.gn2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


class CnnWeightNorm(nn.Module):
    def __init__(self):
        super().__init__()
        wn = torch.nn.utils.weight_norm
        self.conv1, self.in1 = wn(nn.Conv2d(1, 8, 3, padding=1)), nn.InstanceNorm2d(8, affine=True)
        self.conv2, self.in2 = wn(nn.Conv2d(8, 16, 3, padding=1)), nn.InstanceNorm2d(16, affine=True)
        self.fc = wn(nn.Linear(784, 10))

    def forward(self, x):
        x = nn.functional.avg_pool2d(nn.functional.elu(self.in1(self.conv1(x))), 2)
        x = nn.functional.avg_pool2d(nn.functional.elu(self.in2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


class CnnBatchNormBatch1(nn.Module):
    """Inputs/cnn_bn_batch1.mlir: BatchNorm2d on batches of one image."""
    def __init__(self):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3)
        self.fc = nn.Linear(2352, 10)

    def forward(self, x):
        return self.fc(nn.functional.relu(self.bn(self.conv(x))).flatten(1))


# PyTorch's state_dict names for nn.Sequential are indices; nnc's examples
# name layers fc1/bn1/...: map one onto the other.
RENAME = {
    "mlp_bn": {"0": "fc1", "1": "bn1", "3": "fc2", "4": "bn2", "6": "fc3"},
    "mlp_layernorm": {"0": "fc1", "1": "ln1", "3": "fc2", "4": "ln2", "6": "fc3"},
    **{name: {"0": "fc1", "2": "fc2", "4": "fc3"} for name in
       ("mlp", "mlp_tanh", "mlp_sigmoid", "mlp_leaky_relu", "mlp_elu")},
    "cnn": {},
    "residual_mlp": {},
    "cnn_groupnorm": {},
    "cnn_weightnorm": {},
    "cnn_bn_batch1": {},
}
MODELS = {"mlp_bn": mlp_bn, "cnn": lambda: (Cnn(), (1, 28, 28)),
          "mlp_layernorm": mlp_layernorm,
          "mlp": mlp(nn.ReLU), "mlp_tanh": mlp(nn.Tanh), "mlp_sigmoid": mlp(nn.Sigmoid),
          "mlp_leaky_relu": mlp(lambda: nn.LeakyReLU(0.01)), "mlp_elu": mlp(nn.ELU),
          "residual_mlp": lambda: (ResidualMlp(), (784,)),
          "cnn_groupnorm": lambda: (CnnGroupNorm(), (1, 28, 28)),
          "cnn_weightnorm": lambda: (CnnWeightNorm(), (1, 28, 28)),
          "cnn_bn_batch1": lambda: (CnnBatchNormBatch1(), (1, 28, 28))}


def nnc_name(model, key):
    head, _, rest = key.partition(".")
    return f"{RENAME[model].get(head, head)}.{rest}"


def save_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    data = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    return {k: np.frombuffer(body[v["data_offsets"][0]:v["data_offsets"][1]],
                             dtype="<f4").reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}


def batches(steps, batch, shape):
    with gzip.open(f"{DATA}/train-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(f"{DATA}/train-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    for k in range(steps):
        x = torch.from_numpy(images[k * batch:(k + 1) * batch].astype(np.float32) / 255)
        yield x.reshape(batch, *shape), torch.from_numpy(labels[k * batch:(k + 1) * batch])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--nnc", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=128, help="the model's batch size")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--loss-tolerance", type=float, default=1e-6)
    ap.add_argument("--weight-tolerance", type=float, default=1e-5)
    ap.add_argument("--early-steps", type=int, default=0,
                    help="also hold the first K steps to --early-tolerance")
    ap.add_argument("--early-tolerance", type=float, default=1e-5)
    ap.add_argument("--freeze", default="",
                    help="tensors (nnc names, A,B) that neither run trains")
    ap.add_argument("--seed", type=int, default=0, help="PyTorch's seed for the initial weights")
    ap.add_argument("--reference", choices=["float64", "float32"], default="float64",
                    help="precision of the PyTorch run compared against")
    args = ap.parse_args()
    dtype = torch.float64 if args.reference == "float64" else torch.float32
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    model, shape = MODELS[args.model]()
    state = {nnc_name(args.model, k): v for k, v in model.state_dict().items()
             if not k.endswith("num_batches_tracked")}
    save_safetensors(work / "init.safetensors", state)

    subprocess.run([args.nnc, "train", "--steps", str(args.steps), "--no-shuffle",
                    "--lr", str(args.lr), "--clip", str(args.clip),
                    "--init-from", str(work / "init.safetensors"),
                    "--save", str(work / "nnc.safetensors"),
                    "--metrics", str(work / "metrics.jsonl"), "--log-every", "1"]
                   + (["--freeze", args.freeze] if args.freeze else []),
                   check=True, stdout=subprocess.DEVNULL)
    nnc_losses = [json.loads(l)["loss"] for l in
                  (work / "metrics.jsonl").read_text().splitlines()
                  if '"loss"' in l and '"step"' in l and "train_loss" not in l]

    model = model.to(dtype)
    frozen = set(filter(None, args.freeze.split(",")))
    for key, param in model.named_parameters():
        param.requires_grad_(nnc_name(args.model, key) not in frozen)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    model.train()
    torch_losses = []
    for x, y in batches(args.steps, args.batch, shape):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x.to(dtype)), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(
            [p for p in model.parameters() if p.requires_grad], args.clip)
        opt.step()
        torch_losses.append(loss.item())

    ok = len(nnc_losses) == len(torch_losses)
    worst = max(abs(a - b) / abs(b) for a, b in zip(nnc_losses, torch_losses))
    print(f"steps: {len(nnc_losses)} nnc, {len(torch_losses)} PyTorch ({args.reference})")
    print(f"loss: max relative difference {worst:.2e} over {len(torch_losses)} steps "
          f"(first {torch_losses[0]:.6f}, last {torch_losses[-1]:.6f})")
    ok &= worst <= args.loss_tolerance
    if args.early_steps:
        early = max(abs(a - b) / abs(b) for a, b in
                    zip(nnc_losses[:args.early_steps], torch_losses[:args.early_steps]))
        print(f"loss: max relative difference {early:.2e} over the first "
              f"{args.early_steps} steps")
        ok &= early <= args.early_tolerance
    ours = load_safetensors(work / "nnc.safetensors")
    for key, value in model.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue
        theirs = value.detach().numpy()
        name = nnc_name(args.model, key)
        err = np.abs(ours[name] - theirs).max() / max(np.abs(theirs).max(), 1e-12)
        print(f"{name}: max relative difference {err:.2e}")
        ok &= err <= args.weight_tolerance
    print("agreement: PASS" if ok else "agreement: FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
