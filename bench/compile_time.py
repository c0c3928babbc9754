#!/usr/bin/python3
"""Compile time of nnc against model depth.

Generates ReLU MLPs of each depth with examples/gen_deep_mlp.py (plain,
with BatchNorm, residual), compiles each to an executable with nnc and
prints a table of wall-clock seconds (the median of --repeats runs; CPU
seconds of the compiler process next to it, since the machine is shared).
Compile time should grow about linearly with depth.

Usage: bench/compile_time.py [--depths 10,20,50] [--kinds plain,bn,residual]
                             [--repeats 1] [--nnc PATH] [--examples mlp,...]
                             [--target cpu|nvptx]

--target=nvptx compiles for the GPU (with the toolkit's ptxas, as nnc does
by default); no GPU is needed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIND_FLAGS = {
    "plain": [],
    "bn": ["--bn"],
    "residual": ["--residual"],
}


def compile_once(nnc, model, output, target):
    """Returns (wall seconds, CPU seconds) of one `nnc model -o output`."""
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.run([str(nnc), str(model), f"--target={target}",
                           "-o", str(output)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode != 0:
        sys.exit(f"compile_time: nnc {model} failed:\n{proc.stderr}")
    cpu = (after.children_user - before.children_user +
           after.children_system - before.children_system)
    return wall, cpu


def measure(nnc, model, workdir, repeats, target):
    runs = [compile_once(nnc, model, workdir / "model", target)
            for _ in range(repeats)]
    return (statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs))


def generate(workdir, kind, depth):
    path = workdir / f"{kind}{depth}.mlir"
    subprocess.run([sys.executable, str(ROOT / "examples/gen_deep_mlp.py"),
                    "--depth", str(depth), "-o", str(path)] + KIND_FLAGS[kind],
                   check=True)
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--depths", default="10,20,30,50")
    p.add_argument("--kinds", default="plain,bn,residual")
    p.add_argument("--examples", default="mlp,residual_mlp,deep_relu_bn",
                   help="examples/*.mlir compiled first ('' for none)")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--nnc", default=str(ROOT / "build/bin/nnc"))
    p.add_argument("--target", choices=["cpu", "nvptx"], default="cpu")
    args = p.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    for kind in kinds:
        if kind not in KIND_FLAGS:
            p.error(f"unknown kind '{kind}' (one of {', '.join(KIND_FLAGS)})")
    depths = [int(d) for d in args.depths.split(",") if d]

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(f"{'model':<24} {'wall s':>8} {'cpu s':>8}")
        for name in filter(None, args.examples.split(",")):
            wall, cpu = measure(args.nnc, ROOT / f"examples/{name}.mlir",
                                workdir, args.repeats, args.target)
            print(f"{name:<24} {wall:8.2f} {cpu:8.2f}", flush=True)
        if not kinds or not depths:
            return
        print()
        print(f"wall / CPU seconds of nnc --target={args.target} per model")
        print(f"{'depth':>5} " + " ".join(f"{k:>14}" for k in kinds))
        for depth in depths:
            cells = []
            for kind in kinds:
                wall, cpu = measure(args.nnc, generate(workdir, kind, depth),
                                    workdir, args.repeats, args.target)
                cells.append(f"{wall:7.1f} /{cpu:5.1f}")
            print(f"{depth:>5} " + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()
