#!/usr/bin/env python3
"""Writes a synthetic linear-regression data set for examples/linear_regression.mlir.

y = x·w + b + 0.01·noise with 8 features; train-x/y.npy (4096 samples) and
test-x/y.npy (1024 samples), float32, in the directory given as argument.
The true w and b are printed so a trained model can be compared with them.
"""
import sys
from pathlib import Path

import numpy as np


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "regression-data")
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    w = rng.normal(size=(8,)).astype(np.float32)
    b = np.float32(0.5)
    for name, n in (("train", 4096), ("test", 1024)):
        x = rng.normal(size=(n, 8)).astype(np.float32)
        y = (x @ w + b + 0.01 * rng.normal(size=n)).astype(np.float32)
        np.save(out / f"{name}-x.npy", x)
        np.save(out / f"{name}-y.npy", y.reshape(n, 1))
    print("w =", " ".join(f"{v:.6f}" for v in w), " b =", f"{b:.6f}")


if __name__ == "__main__":
    main()
