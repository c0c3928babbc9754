#!/usr/bin/python3
"""The checks of issue 5 on a GPU machine, from a kit (tools/gpu-kit.sh)
that was compiled elsewhere: no LLVM or nnc needed where it runs.

For each model of the kit:
- parity: the fp32 GPU build and the CPU build, same seed and data order,
  `--parity-steps` (100) steps: every step's loss within 1e-3 relative;
- accuracy (unless --no-accuracy): one epoch of the TF32 GPU build reaches
  0.80 test accuracy and is within 0.02 of the CPU build's (same seed).
Prints one line per check and `N passed, N failed`; exits 1 on a failure.
Without a GPU (and without $NNRT_LIBCUDA, the emulator) it says so and
exits 0.

Usage: bench/gpu_check.py --kit DIR [--models mlp,mlp_bn,cnn]
                          [--parity-steps 100] [--no-accuracy]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_gpu import have_gpu


def train(binary, data, args, workdir):
    """Runs `binary train`; returns (its stdout, per-step losses), or raises
    RuntimeError with the end of its error output."""
    metrics = workdir / (binary.name + ".jsonl")
    run = subprocess.run([str(binary), "train", "--data", str(data), "--seed", "3",
                          "--metrics", str(metrics), *args],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{binary.name} exited {run.returncode}: "
                           + " | ".join(run.stderr.strip().splitlines()[-3:]))
    losses = {}
    for line in metrics.read_text().splitlines():
        record = json.loads(line)
        if "loss" in record and "step" in record:
            losses[record["step"]] = record["loss"]
    return run.stdout, losses


def accuracy(output):
    found = re.findall(r"^test accuracy: ([0-9.]+)", output, re.M)
    return float(found[-1]) if found else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kit", required=True, type=Path)
    ap.add_argument("--models", default="mlp,mlp_bn,cnn")
    ap.add_argument("--parity-steps", type=int, default=100)
    ap.add_argument("--no-accuracy", action="store_true")
    args = ap.parse_args()
    if not have_gpu() and not os.environ.get("NNRT_LIBCUDA"):
        print("gpu_check: no NVIDIA GPU (nvidia-smi -L failed): skipped")
        return 0
    data = args.kit / "data"
    results = []

    def check(name, body):
        try:
            ok, detail = body()
        except RuntimeError as error:
            ok, detail = False, str(error)
        results.append(ok)
        print(f"{name}: {detail}: {'ok' if ok else 'FAILED'}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for model in args.models.split(","):
            gpu_fp32, gpu_tf32, cpu = (args.kit / f"{model}-{suffix}"
                                       for suffix in ("gpu-fp32", "gpu-tf32", "cpu"))

            def parity():
                steps = ["--steps", str(args.parity_steps), "--no-shuffle", "--log-every", "1"]
                _, a = train(cpu, data, steps, tmp)
                _, b = train(gpu_fp32, data, steps, tmp)
                def difference(s):
                    if a.get(s) is None or b.get(s) is None or a[s] == 0:
                        return float("inf")
                    return abs(a[s] - b[s]) / abs(a[s])
                worst = max(difference(s) for s in range(1, args.parity_steps + 1))
                return worst <= 1e-3, (f"{args.parity_steps} steps, fp32 matmuls, largest "
                                       f"relative loss difference to the CPU {worst:.3g}")

            def trained():
                gpu_out, _ = train(gpu_tf32, data, ["--epochs", "1"], tmp)
                cpu_out, _ = train(cpu, data, ["--epochs", "1"], tmp)
                a, b = accuracy(gpu_out), accuracy(cpu_out)
                if a is None or b is None:
                    return False, "no 'test accuracy:' line"
                return a >= 0.80 and abs(a - b) <= 0.02, (
                    f"1 epoch, TF32: test accuracy {a:.4f} (CPU {b:.4f})")

            check(f"{model} parity", parity)
            if not args.no_accuracy:
                check(f"{model} accuracy", trained)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
