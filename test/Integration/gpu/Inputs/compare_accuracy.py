"""Compares the final `test accuracy: X` lines of two training outputs.

Usage: compare_accuracy.py A.out B.out --atol T
Prints both accuracies and exits 1 when they differ by more than T or when
an output has no such line.
"""
import argparse
import re
import sys


def accuracy(path):
    found = None
    with open(path) as f:
        for line in f:
            match = re.match(r"test accuracy: ([0-9.]+)", line)
            if match:
                found = float(match.group(1))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--atol", type=float, required=True)
    args = parser.parse_args()
    a, b = accuracy(args.a), accuracy(args.b)
    if a is None or b is None:
        print(f"no 'test accuracy:' line in {args.a if a is None else args.b}")
        return 1
    ok = abs(a - b) <= args.atol
    print(f"test accuracy {a:.4f} vs {b:.4f}: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
