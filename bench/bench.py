#!/usr/bin/python3
"""Training throughput and peak memory: nnc against PyTorch, in one run.

For each model: compile examples/<model>.mlir with nnc, then alternate
nnc / PyTorch / nnc on one thread runs (the machine is noisy), each training
the same network on Fashion-MNIST for the same number of steps, and print
the median samples/s, peak resident memory and the ratio nnc/PyTorch (both
with 2 threads), and nnc's samples/s on one thread.
PyTorch runs at its best: OpenBLAS with OpenMP and its AVX-512 kernels
(../shared/TOOLCHAIN.md, "Benchmarking against PyTorch fairly").

Usage: bench/bench.py [--models mlp] [--steps 300] [--repeats 3] [--nnc PATH]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def measure(cmd, env=None):
    read, write = os.pipe()
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
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed")
    return out, rusage.ru_maxrss / 1024.0


def nnc_run(binary, steps, workdir, threads=2):
    metrics = workdir / "metrics.jsonl"
    out, mem = measure([str(binary), "train", "--steps", str(steps), "--no-shuffle",
                        "--threads", str(threads), "--metrics", str(metrics)])
    last = [json.loads(l) for l in metrics.read_text().splitlines() if "samples_per_s" in l][-1]
    return last["samples_per_s"], mem


def torch_run(model, steps):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if Path(OPENBLAS).is_dir():
        env["LD_LIBRARY_PATH"] = OPENBLAS
    out, mem = measure(["/usr/bin/python3", str(ROOT / "bench/torch_peer.py"),
                        "--model", model, "--steps", str(steps)], env)
    return float(out.split()[-1]), mem


def have_torch():
    return subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                          capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mlp")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--nnc", type=Path, default=ROOT / "build/bin/nnc",
                    help="the nnc to measure (default: build/bin/nnc)")
    args = ap.parse_args()
    nnc = args.nnc
    if not nnc.exists():
        sys.exit(f"bench: {nnc} not found: build nnc first (tools/run-tests.sh)")
    torch_ok = have_torch()
    if not torch_ok:
        print("bench: PyTorch not found (apt-get install python3-torch); "
              "measuring nnc alone")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for model in args.models.split(","):
            binary = tmp / model
            subprocess.run([str(nnc), str(ROOT / f"examples/{model}.mlir"), "-o",
                            str(binary)], check=True)
            ours, theirs, single = [], [], []
            for _ in range(args.repeats):
                ours.append(nnc_run(binary, args.steps, tmp))
                if torch_ok:
                    theirs.append(torch_run(model, args.steps))
                single.append(nnc_run(binary, args.steps, tmp, threads=1))
            med = lambda xs, i: statistics.median(x[i] for x in xs) if xs else float("nan")
            rows.append((model, med(ours, 0), med(theirs, 0), med(ours, 1), med(theirs, 1),
                         med(single, 0)))
    print(f"\n{'model':<10}{'nnc samples/s':>15}{'PyTorch samples/s':>19}{'ratio':>8}"
          f"{'nnc peak MiB':>14}{'PyTorch peak MiB':>18}{'nnc 1 thread':>14}")
    for model, a, b, ma, mb, one in rows:
        print(f"{model:<10}{a:>15.0f}{b:>19.0f}{a / b:>8.2f}{ma:>14.0f}{mb:>18.0f}{one:>14.0f}")
    print(f"({args.steps} training steps, batch 128, 2 threads unless said, median of "
          f"{args.repeats} alternating runs)")


if __name__ == "__main__":
    main()
