"""Compares the per-step losses of two `--log-every 1` metrics files.

Usage: compare_losses.py A.jsonl B.jsonl --steps N --rtol R
Prints the largest relative difference and exits 1 when it exceeds R or
when a file lacks one of steps 1..N.
"""
import argparse
import json
import sys


def step_losses(path):
    losses = {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if "loss" in record and "step" in record:
                losses[record["step"]] = record["loss"]
    return losses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--rtol", type=float, required=True)
    args = parser.parse_args()
    a, b = step_losses(args.a), step_losses(args.b)
    worst, worst_step = 0.0, 0
    for step in range(1, args.steps + 1):
        if step not in a or step not in b or a[step] is None or b[step] is None:
            print(f"step {step}: missing or non-finite loss")
            return 1
        difference = abs(a[step] - b[step]) / max(abs(a[step]), 1e-30)
        if difference > worst:
            worst, worst_step = difference, step
    verdict = "ok" if worst <= args.rtol else "FAILED"
    print(f"{args.steps} steps, largest relative loss difference {worst:.3g} "
          f"(step {worst_step}): {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
