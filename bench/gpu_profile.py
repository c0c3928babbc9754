#!/usr/bin/python3
"""What a GPU training step asks of the GPU, measured without one.

Compiles each example for the GPU with the CUDA emulator's host kernels
(nnc --target=nvptx --gpu-emulate), trains it for a few steps under the
emulator with NNC_EMU_TRACE, and prints per training step: kernel launches,
one-thread launches, host waits (synchronizations) and copies between the
first and the last kernel of the step, and the kernels that took the
emulator longest (a rough guide to where the GPU's time goes: the emulator
runs a thread's work one after another, so a kernel of few threads with
long loops stands out less than it would on a GPU; their thread counts are
printed beside them).

Usage: bench/gpu_profile.py [--models mlp,mlp_bn,cnn] [--steps 3] [--top 5]
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP_KERNEL = "nnc_train_step_kernel"


def threads(grid, block):
    count = 1
    for dims in (grid, block):
        for n in dims.split("x"):
            count *= int(n)
    return count


def steps_of(trace):
    """The trace lines of each training step: from its first kernel to its
    last one."""
    steps, current, pending = [], None, []
    for line in trace:
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "launch" and fields[1] == STEP_KERNEL:
            if current is not None:
                steps.append(current)
            current, pending = [fields], []
        elif current is not None:
            if fields[0] == "launch" and fields[1].startswith(STEP_KERNEL):
                current += pending + [fields]
                pending = []
            elif fields[0] == "launch":
                steps.append(current)
                current, pending = None, []
            else:
                pending.append(fields)
    if current is not None:
        steps.append(current)
    return steps


def summarize(step):
    launches = [f for f in step if f[0] == "launch"]
    return {
        "launches": len(launches),
        "one_thread": sum(threads(f[2], f[3]) == 1 for f in launches),
        "waits": sum(f[0] == "sync" for f in step),
        "copies": sum(f[0] in ("htod", "dtoh", "dtod") for f in step),
        "ms": sum(float(f[4]) for f in launches) / 1000,
    }


def profile(nnc, model, steps, tmp):
    binary = tmp / model
    subprocess.run([str(nnc), str(ROOT / f"examples/{model}.mlir"), "--target=nvptx",
                    "--gpu-emulate", "-o", str(binary)], check=True)
    trace = tmp / f"{model}.tsv"
    env = dict(os.environ, NNRT_LIBCUDA=str(ROOT / "build/lib/libnnc-cuda-emulator.so"),
               NNC_EMU_TRACE=str(trace))
    subprocess.run([str(binary), "train", "--steps", str(steps), "--no-shuffle"],
                   env=env, check=True, capture_output=True)
    per_step = steps_of(trace.read_text().splitlines())
    if not per_step:
        sys.exit(f"gpu_profile: no training step of {model} in the trace")
    # The first step allocates; the last is typical.
    return summarize(per_step[-1]), per_step[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mlp,mlp_bn,cnn")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args()
    nnc = ROOT / "build/bin/nnc"
    if not nnc.exists():
        sys.exit("gpu_profile: build nnc first (tools/setup.sh)")
    rows, tops = [], collections.OrderedDict()
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            summary, step = profile(nnc, model, args.steps, Path(tmp))
            rows.append((model, summary))
            launches = sorted((f for f in step if f[0] == "launch"),
                              key=lambda f: -float(f[4]))
            tops[model] = launches[:args.top]
    print(f"{'model':<10}{'launches':>10}{'1-thread':>10}{'host waits':>12}"
          f"{'copies':>8}{'emulated ms':>13}")
    for model, s in rows:
        print(f"{model:<10}{s['launches']:>10}{s['one_thread']:>10}{s['waits']:>12}"
              f"{s['copies']:>8}{s['ms']:>13.1f}")
    print("(per training step, between its first and last kernel)")
    for model, launches in tops.items():
        print(f"\n{model}: kernels that took the emulator longest")
        for f in launches:
            print(f"  {f[1]:<32} grid {f[2]:<10} block {f[3]:<10}"
                  f" {threads(f[2], f[3]):>8} threads {float(f[4]) / 1000:>8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
