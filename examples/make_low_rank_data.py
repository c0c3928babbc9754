#!/usr/bin/python3
"""Writes the target of examples/matrix_factorization.mlir.

make_low_rank_data.py DIR [--n 16] [--rank 2] [--seed 0]

M = A Aᵀ with A ∈ R^{n×rank}, entries N(0, 1/n) (so M's nonzero eigenvalues
are about 1), as DIR/{train,test}-y.npy (float32, n×n), and the n×n identity
as DIR/{train,test}-x.npy: the network ignores x, the runtime needs one
input row per target row.
"""
import argparse
from pathlib import Path

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", type=Path)
    p.add_argument("--n", type=int, default=16)
    p.add_argument("--rank", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    factor = rng.normal(0.0, 1.0 / np.sqrt(a.n), size=(a.n, a.rank))
    m = (factor @ factor.T).astype(np.float32)
    a.dir.mkdir(parents=True, exist_ok=True)
    for split in ("train", "test"):
        np.save(a.dir / f"{split}-x.npy", np.eye(a.n, dtype=np.float32))
        np.save(a.dir / f"{split}-y.npy", m)
    print(f"M: {a.n}x{a.n}, rank {a.rank}, ‖M‖²_F = {float((m.astype(np.float64) ** 2).sum()):.6g}")


if __name__ == "__main__":
    main()
