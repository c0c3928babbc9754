#!/usr/bin/python3
"""GPU training throughput: nnc --target=nvptx against PyTorch on the same GPU.

For each model: compile examples/<model>.mlir for the GPU, then alternate
runs (A/B/C, A/B/C, ...) of the nnc binary, PyTorch eager and PyTorch with
torch.compile, each training the same network on Fashion-MNIST for the same
number of steps, and print median samples/s and the ratios. Without an
NVIDIA GPU (or without a CUDA build of PyTorch for the peer) it says what it
skips and exits 0.

Usage: bench/bench_gpu.py [--models mlp] [--steps 1000] [--repeats 3]
                          [--matmul tf32|fp32]  (both sides; default tf32)
                          [--python PY]   (an interpreter with CUDA PyTorch;
                                           default: the one running this)
                          [--data DIR]    (Fashion-MNIST's .gz IDX files)
                          [--binaries KIT] (the GPU builds of tools/gpu-kit.sh,
                                           for a machine without nnc; data
                                           from KIT/data unless --data)
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import DATA, ROOT, nnc_run, training_data


def have_gpu():
    return shutil.which("nvidia-smi") is not None and subprocess.run(
        ["nvidia-smi", "-L"], capture_output=True).returncode == 0


def have_cuda_torch(python):
    probe = "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"
    return subprocess.run([python, "-c", probe], capture_output=True).returncode == 0


def torch_run(python, model, steps, compiled, tf32, data):
    """Samples/s of one PyTorch run, or NaN (and why) when it fails: a peer
    that cannot run (torch.compile without a C compiler or Triton, say)
    leaves its column empty instead of losing nnc's figures."""
    cmd = [python, str(ROOT / "bench/torch_peer.py"), "--model", model,
           "--steps", str(steps), "--device", "cuda", "--data", str(data)] + (
               ["--tf32"] if tf32 else []) + (["--compile"] if compiled else [])
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0 or not run.stdout.split():
        why = (run.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"bench_gpu: PyTorch {'compile' if compiled else 'eager'} "
              f"failed on {model}: {why}", file=sys.stderr)
        return float("nan")
    return float(run.stdout.split()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mlp,mlp_bn,cnn")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--matmul", choices=["tf32", "fp32"], default="tf32",
                    help="matmul precision of nnc (--gpu-matmul) and PyTorch")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter whose PyTorch has CUDA")
    ap.add_argument("--data", help="directory of Fashion-MNIST's .gz IDX files "
                    f"(default: {DATA}, or KIT/data with --binaries)")
    ap.add_argument("--binaries", type=Path,
                    help="a kit of tools/gpu-kit.sh: <model>-gpu-<matmul> compiled "
                    "elsewhere, instead of compiling with build/bin/nnc")
    args = ap.parse_args()
    if args.data is None:
        args.data = str(args.binaries / "data" if args.binaries else DATA)
    if not have_gpu():
        print("bench_gpu: no NVIDIA GPU (nvidia-smi -L failed): skipped")
        return 0
    nnc = ROOT / "build/bin/nnc"
    if not args.binaries and not nnc.exists():
        sys.exit("bench_gpu: build nnc first (tools/setup.sh), or give "
                 "--binaries KIT (tools/gpu-kit.sh)")
    peer = have_cuda_torch(args.python)
    if not peer:
        print(f"bench_gpu: {args.python} has no CUDA PyTorch (--python PY): "
              "measuring nnc alone")
    nan = float("nan")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = training_data(tmp, args.data)
        for model in args.models.split(","):
            binary = tmp / model
            if args.binaries:
                binary = args.binaries / f"{model}-gpu-{args.matmul}"
            else:
                subprocess.run([str(nnc), str(ROOT / f"examples/{model}.mlir"),
                                "--target=nvptx", f"--gpu-matmul={args.matmul}",
                                "-o", str(binary)], check=True)
            ours, eager, compiled = [], [], []
            for _ in range(args.repeats):
                ours.append(nnc_run(binary, args.steps, tmp, data)[0])
                if peer:
                    eager.append(torch_run(args.python, model, args.steps, False,
                                           args.matmul == "tf32", args.data))
                    compiled.append(torch_run(args.python, model, args.steps, True,
                                              args.matmul == "tf32", args.data))
            med = lambda xs: statistics.median(xs) if xs and not any(
                x != x for x in xs) else nan
            rows.append((model, med(ours), med(eager), med(compiled)))
    print(f"\n{'model':<10}{'nnc samples/s':>15}{'eager':>10}{'compile':>10}"
          f"{'nnc/eager':>11}{'nnc/compile':>13}")
    for model, a, b, c in rows:
        print(f"{model:<10}{a:>15.0f}{b:>10.0f}{c:>10.0f}{a / b:>11.2f}{a / c:>13.2f}")
    print(f"({args.steps} training steps, batch 128, {args.matmul} matmuls, "
          f"median of {args.repeats} alternating runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
