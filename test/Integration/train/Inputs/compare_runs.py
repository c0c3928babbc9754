"""Compares two runs of a model compiled two ways (e.g. with and without a
pass): `outputs A.npy B.npy` compares `predict` outputs, `losses A.jsonl
B.jsonl` the per-step losses of `train --log-every 1 --metrics`. Prints the
largest relative difference and `agree` or `DIFFER` against --rtol."""
import argparse
import json
import sys

import numpy as np


def step_losses(path):
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return np.array([r["loss"] for r in rows if "loss" in r], dtype=np.float64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["outputs", "losses"])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--rtol", type=float, default=1e-5)
    args = parser.parse_args()
    if args.kind == "outputs":
        a = np.load(args.a).astype(np.float64)
        b = np.load(args.b).astype(np.float64)
        # Relative to the outputs' scale: single logits near 0 have no
        # meaningful relative error of their own.
        scale = np.maximum(np.abs(b), np.abs(b).max(axis=-1, keepdims=True))
        same_class = np.mean(a.argmax(axis=-1) == b.argmax(axis=-1))
        print(f"rows {a.shape[0]}  same argmax {same_class:.6f}")
    else:
        a, b = step_losses(args.a), step_losses(args.b)
        scale = np.abs(b)
        print(f"steps {a.shape[0]}")
    if a.shape != b.shape or a.size == 0:
        print(f"DIFFER: shapes {a.shape} and {b.shape}")
        return 1
    rel = float(np.max(np.abs(a - b) / scale))
    verdict = "agree" if rel <= args.rtol else "DIFFER"
    print(f"max relative difference {rel:.3e}: {verdict} (rtol {args.rtol:g})")
    return 0 if verdict == "agree" else 1


if __name__ == "__main__":
    sys.exit(main())
