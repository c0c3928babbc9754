#!/usr/bin/python3
"""Training throughput and peak memory: nnc against PyTorch, in one run.

For each model: compile examples/<model>.mlir with nnc, then alternate
nnc / PyTorch / nnc on one thread runs (the machine is noisy), each training
the same network on Fashion-MNIST for the same number of steps, and print
the median samples/s, peak resident memory and the ratio nnc/PyTorch (both
with 2 threads), and nnc's samples/s on one thread.
PyTorch runs at its best: OpenBLAS with OpenMP and its AVX-512 kernels
(../shared/TOOLCHAIN.md, "Benchmarking against PyTorch fairly").

Models with BatchNorm (mlp_bn, cnn) also get a second table, measured in
the same alternation: training with nn-fuse-batchnorm (the default) against
`nnc --no-fuse-bn`, and `eval` of the 10 000 test images with
nn-fold-batchnorm (the default) against `nnc --no-fold-bn`. Besides
wall-clock figures it gives CPU seconds (user + system of the process), which
other tenants of a shared machine disturb much less.

Usage: bench/bench.py [--models mlp,mlp_bn,cnn] [--steps 100] [--repeats 3]
                      [--nnc PATH] [--no-variants]
"""
import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
DATA = Path("/usr/share/datasets/fashion-mnist")
BN_MODELS = {"mlp_bn", "cnn"}


def measure(cmd, env=None):
    """Runs `cmd`; returns its stdout, peak RSS (MiB), wall and CPU seconds."""
    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(write, 1)
        os.close(read)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvpe(cmd[0], cmd, env or os.environ)
    os.close(write)
    with os.fdopen(read) as f:
        out = f.read()
    _, status, rusage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed")
    return out, rusage.ru_maxrss / 1024.0, wall, rusage.ru_utime + rusage.ru_stime


def training_data(workdir, source=DATA):
    """Fashion-MNIST's training set with a one-batch test set, as .npy: the
    evaluation after training then costs nothing, so the process's CPU time
    is the training steps' (and loading the data)."""
    out = workdir / "data"
    out.mkdir()
    with gzip.open(Path(source) / "train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(Path(source) / "train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    np.save(out / "train-x.npy", x)
    np.save(out / "train-y.npy", y)
    np.save(out / "test-x.npy", x[:128])
    np.save(out / "test-y.npy", y[:128])
    return out


def nnc_run(binary, steps, workdir, data, threads=2):
    """(samples/s of the training steps, peak MiB, CPU s of the process)."""
    metrics = workdir / "metrics.jsonl"
    _, mem, _, cpu = measure([str(binary), "train", "--steps", str(steps), "--no-shuffle",
                              "--threads", str(threads), "--data", str(data),
                              "--metrics", str(metrics)])
    last = [json.loads(l) for l in metrics.read_text().splitlines() if "samples_per_s" in l][-1]
    return last["samples_per_s"], mem, cpu


def nnc_eval(binary, threads=1):
    """(s, samples/s) of the forward passes of `eval` over the 10 000 test
    images, as the binary times them (without loading the data)."""
    out, _, _, _ = measure([str(binary), "eval", "--threads", str(threads)])
    match = re.search(r"eval time: ([0-9.]+) s \(([0-9]+) samples/s\)", out)
    if not match:
        sys.exit(f"bench: no eval time from {binary}")
    return float(match.group(1)), float(match.group(2))


def torch_run(model, steps):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if Path(OPENBLAS).is_dir():
        env["LD_LIBRARY_PATH"] = OPENBLAS
    out, mem, _, _ = measure(["/usr/bin/python3", str(ROOT / "bench/torch_peer.py"),
                              "--model", model, "--steps", str(steps)], env)
    return float(out.split()[-1]), mem


def have_torch():
    return subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                          capture_output=True).returncode == 0


def median(xs, i=None):
    xs = list(xs)
    if not xs:
        return float("nan")
    return statistics.median(x[i] for x in xs) if i is not None else statistics.median(xs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mlp,mlp_bn,cnn")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--nnc", type=Path, default=ROOT / "build/bin/nnc",
                    help="the nnc to measure (default: build/bin/nnc)")
    ap.add_argument("--no-variants", action="store_true",
                    help="skip the fusion/folding comparison of BatchNorm models")
    args = ap.parse_args()
    nnc = args.nnc
    if not nnc.exists():
        sys.exit(f"bench: {nnc} not found: build nnc first (tools/run-tests.sh)")
    torch_ok = have_torch()
    if not torch_ok:
        print("bench: PyTorch not found (apt-get install python3-torch); "
              "measuring nnc alone")
    rows, variant_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = training_data(tmp)
        for model in args.models.split(","):
            variants = not args.no_variants and model in BN_MODELS

            def compile_model(name, *flags):
                binary = tmp / name
                subprocess.run([str(nnc), str(ROOT / f"examples/{model}.mlir"), "-o",
                                str(binary), *flags], check=True)
                return binary

            binary = compile_model(model)
            if variants:
                unfused = compile_model(model + "-unfused", "--no-fuse-bn")
                unfolded = compile_model(model + "-unfolded", "--no-fold-bn")
            ours, theirs, single, fast, slow, folded, plain = [], [], [], [], [], [], []
            for _ in range(args.repeats):
                ours.append(nnc_run(binary, args.steps, tmp, data))
                if torch_ok:
                    theirs.append(torch_run(model, args.steps))
                if variants:
                    fast.append(nnc_run(binary, args.steps, tmp, data, threads=1))
                    slow.append(nnc_run(unfused, args.steps, tmp, data, threads=1))
                    folded.append(nnc_eval(binary))
                    plain.append(nnc_eval(unfolded))
                single.append(nnc_run(binary, args.steps, tmp, data, threads=1))
            rows.append((model, median(ours, 0), median(theirs, 0), median(ours, 1),
                         median(theirs, 1), median(single, 0)))
            if variants:
                variant_rows.append((model, median(fast, 0), median(slow, 0),
                                     median(fast, 2), median(slow, 2),
                                     median(folded, 0), median(plain, 0)))
    print(f"\n{'model':<10}{'nnc samples/s':>15}{'PyTorch samples/s':>19}{'ratio':>8}"
          f"{'nnc peak MiB':>14}{'PyTorch peak MiB':>18}{'nnc 1 thread':>14}")
    for model, a, b, ma, mb, one in rows:
        print(f"{model:<10}{a:>15.0f}{b:>19.0f}{a / b:>8.2f}{ma:>14.0f}{mb:>18.0f}{one:>14.0f}")
    print(f"({args.steps} training steps, batch 128, 2 threads unless said, median of "
          f"{args.repeats} alternating runs)")
    if variant_rows:
        print(f"\n{'model':<10}{'fused samples/s':>17}{'unfused':>9}{'×':>6}"
              f"{'fused CPU s':>13}{'unfused':>9}{'×':>6}"
              f"{'eval folded s':>15}{'unfolded':>10}{'×':>6}")
        for model, a, b, ca, cb, fa, fb in variant_rows:
            print(f"{model:<10}{a:>17.0f}{b:>9.0f}{a / b:>6.2f}{ca:>13.2f}{cb:>9.2f}{cb / ca:>6.2f}"
                  f"{fa:>15.4f}{fb:>10.4f}{fb / fa:>6.2f}")
        print("(one thread, where a second tenant of the machine disturbs least; "
              "training: nn-fuse-batchnorm against --no-fuse-bn, samples/s and CPU s of "
              "the whole process; eval: the forward passes over the 10 000 test images "
              "as `eval` times them, nn-fold-batchnorm against --no-fold-bn; "
              "× = speedup)")

if __name__ == "__main__":
    main()
