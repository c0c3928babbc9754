#!/usr/bin/python3
"""The PyTorch side of bench.py: trains one model on Fashion-MNIST like nnc does.

Same recipe as the nnc model (SGD, global-norm clipping, batch 128, data kept
as uint8 and converted to float32 x/255 per batch, no shuffling) and prints
one line `samples_per_s X` over the timed steps (after warm-up steps).
`--device cuda` trains on the GPU (batches copied up per step, as nnc does),
`--compile` with torch.compile (PyTorch 2).
"""
import argparse
import gzip
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def load_images(path):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)


def load_labels(path):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=8)


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256),
                         nn.ReLU(), nn.Linear(256, 10)), (784,)


def mlp_bn():
    """examples/mlp_bn.mlir: Linear → BatchNorm1d → ReLU, twice, Linear."""
    return nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
                         nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(),
                         nn.Linear(256, 10)), (784,)


def cnn():
    """examples/cnn.mlir: (conv3x3 → BatchNorm2d → ReLU → max-pool 2) twice, Linear."""
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1),
                         nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(1568, 10)), (1, 28, 28)


MODELS = {"mlp": mlp, "mlp_bn": mlp_bn, "cnn": cnn}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp", choices=sorted(MODELS))
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--data", default=str(DATA),
                    help="directory of Fashion-MNIST's .gz IDX files")
    ap.add_argument("--tf32", action="store_true",
                    help="matmuls and convolutions in TF32 on the GPU")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    # Same precision as the nnc build it is compared with.
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.backends.cudnn.allow_tf32 = args.tf32
    torch.manual_seed(0)
    images = torch.from_numpy(load_images(f"{args.data}/train-images-idx3-ubyte.gz").copy())
    labels = torch.from_numpy(load_labels(f"{args.data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    model, shape = MODELS[args.model]()
    model = model.to(args.device)
    forward = torch.compile(model) if args.compile else model
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    per_epoch = images.shape[0] // args.batch

    def step(k):
        i = (k % per_epoch) * args.batch
        x = (images[i:i + args.batch].float() / 255.0).reshape(args.batch, *shape)
        x = x.to(args.device)
        y = labels[i:i + args.batch].to(args.device)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(forward(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        return loss

    def synchronize():
        if args.device == "cuda":
            torch.cuda.synchronize()

    for k in range(args.warmup):
        step(k)
    synchronize()
    start = time.perf_counter()
    for k in range(args.warmup, args.warmup + args.steps):
        step(k)
    synchronize()
    elapsed = time.perf_counter() - start
    print(f"samples_per_s {args.steps * args.batch / elapsed:.1f}")


if __name__ == "__main__":
    main()
