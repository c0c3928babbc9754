#!/usr/bin/python3
"""Checks the two runs of saddle.test from their --metrics files.

check_saddle.py PLAIN.jsonl NOISY.jsonl
plain: every epoch's gradient norm is exactly 0 and the loss never moves;
noisy: the final loss is below 1e-3. "Escaped" is the first step whose loss
is below half the starting one. Exits 1 when a check fails.
"""
import json
import sys


def epochs(path):
    return [json.loads(line) for line in open(path) if '"epoch"' in line]


plain, noisy = epochs(sys.argv[1]), epochs(sys.argv[2])
start = plain[0]["train_loss"]
stuck = all(e["grad_norm"] == 0.0 and e["train_loss"] == start for e in plain)
print(f"plain: {len(plain)} steps, gradient norm "
      f"{'0 at every step' if stuck else 'NOT 0'}, loss stays {start:.6g}")
escaped = next((e["epoch"] for e in noisy if e["train_loss"] < start / 2), None)
final = noisy[-1]["train_loss"]
print(f"noisy: escaped at step {escaped}, final loss {final:.3g} "
      f"{'<' if final < 1e-3 else '>='} 0.001")
ok = stuck and escaped is not None and final < 1e-3
print("saddle:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
