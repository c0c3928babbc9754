#!/usr/bin/python3
"""Compares the tensors of two safetensors checkpoints, for lit tests.

compare_checkpoints.py A B [--same NAMES] [--differ NAMES]
Prints `same NAME` or `differs NAME` for every tensor; exits 1 if a tensor
listed in --same differs or one listed in --differ is identical.
"""
import argparse
import json
import struct
import sys


def tensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    return {name: body[info["data_offsets"][0]:info["data_offsets"][1]]
            for name, info in header.items() if name != "__metadata__"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--same", default="")
    ap.add_argument("--differ", default="")
    args = ap.parse_args()
    a, b = tensors(args.a), tensors(args.b)
    ok = True
    for name in a:
        same = a[name] == b.get(name)
        print(("same " if same else "differs ") + name)
        if name in args.same.split(",") and not same:
            ok = False
        if name in args.differ.split(",") and same:
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
