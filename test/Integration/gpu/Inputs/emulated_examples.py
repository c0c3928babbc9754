"""Trains each example a few steps as a GPU build under the CUDA emulator and
as a CPU build, same seed and data order, and compares the losses.

usage: emulated_examples.py NNC EMULATOR EXAMPLES_DIR WORKDIR STEPS RTOL NAME...
Prints one line per example and a final `N passed, N failed`.
"""
import json
import os
import subprocess
import sys

from emulated_suite import run_suite


def losses(path):
    with open(path) as f:
        records = [json.loads(line) for line in f]
    return {r["step"]: r["loss"] for r in records if "loss" in r and "step" in r}


def main():
    nnc, emulator, examples, workdir, steps, rtol = sys.argv[1:7]
    steps, rtol = int(steps), float(rtol)
    env = dict(os.environ, NNRT_LIBCUDA=emulator)

    def check(name):
        source = os.path.join(examples, name + ".mlir")
        runs = {}
        for target, flags in (("gpu", ["--target=nvptx", "--gpu-emulate", "--gpu-matmul=fp32"]), ("cpu", [])):
            exe = os.path.join(workdir, f"{name}-{target}")
            metrics = exe + ".jsonl"
            build = subprocess.run([nnc, source, "--no-hessian", *flags, "-o", exe],
                                   capture_output=True, text=True)
            run = build.returncode == 0 and subprocess.run(
                [exe, "train", "--steps", str(steps), "--no-shuffle", "--seed", "3",
                 "--log-every", "1", "--metrics", metrics],
                capture_output=True, text=True, env=env)
            if not run or run.returncode != 0:
                return False, (f"{target} build or run\n{build.stderr}"
                               f"{run.stderr if run else ''}")
            runs[target] = losses(metrics)
        worst = max(abs(runs["gpu"].get(s, float("nan")) - runs["cpu"][s]) / abs(runs["cpu"][s])
                    for s in range(1, steps + 1))
        if worst <= rtol:
            return True, f"largest relative loss difference {worst:.3g}"
        return False, f"largest relative loss difference {worst:.3g} > {rtol}"

    return run_suite(sys.argv[7:], check)


if __name__ == "__main__":
    sys.exit(main())
