#!/usr/bin/python3
"""Writes the files of the bad-input lit tests.

bad_files.py idx DIR [--members N] [--raw NAMES]
    A small Fashion-MNIST-shaped IDX set (256 training and 128 test images
    of 28x28): every file gzipped as N members one after another (what pigz,
    bgzip and `cat a.gz b.gz` write; N = 0: not gzipped), except the files
    named in --raw (comma-separated, without .gz), which stay uncompressed.
bad_files.py poison-st IN OUT TENSOR INDEX VALUE
    Checkpoint IN with element INDEX (flat) of TENSOR set to VALUE (nan, inf).
bad_files.py poison-npy IN OUT INDEX VALUE
    float32 .npy IN with element INDEX (flat) set to VALUE.
"""
import argparse
import gzip
import json
import struct
from pathlib import Path

import numpy as np


def idx(dims, data):
    header = bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return header + data.astype(np.uint8).tobytes()


def write_idx_set(args):
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    raw = set(filter(None, args.raw.split(",")))
    for prefix, count in (("train", 256), ("t10k", 128)):
        labels = rng.integers(0, 10, size=count)
        images = rng.integers(0, 40, size=(count, 28, 28))
        for k in range(count):  # Class k lights up its own rows.
            images[k, labels[k] * 2:labels[k] * 2 + 3, :] = 220
        for name, data in ((f"{prefix}-images-idx3-ubyte", idx((count, 28, 28), images)),
                           (f"{prefix}-labels-idx1-ubyte", idx((count,), labels))):
            if args.members == 0 or name in raw:
                (out / name).write_bytes(data)
                continue
            cuts = np.linspace(0, len(data), args.members + 1).astype(int)
            (out / (name + ".gz")).write_bytes(b"".join(
                gzip.compress(data[a:b]) for a, b in zip(cuts[:-1], cuts[1:])))


def poison_checkpoint(args):
    data = bytearray(Path(args.input).read_bytes())
    (size,) = struct.unpack("<Q", data[:8])
    entry = json.loads(data[8:8 + size])[args.tensor]
    at = 8 + size + entry["data_offsets"][0] + 4 * args.index
    data[at:at + 4] = struct.pack("<f", float(args.value))
    Path(args.output).write_bytes(data)


def poison_npy(args):
    array = np.load(args.input)
    array.reshape(-1)[args.index] = float(args.value)
    np.save(args.output, array)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("idx")
    p.add_argument("dir")
    p.add_argument("--members", type=int, default=1)
    p.add_argument("--raw", default="")
    p.set_defaults(run=write_idx_set)
    p = sub.add_parser("poison-st")
    for name in ("input", "output", "tensor"):
        p.add_argument(name)
    p.add_argument("index", type=int)
    p.add_argument("value")
    p.set_defaults(run=poison_checkpoint)
    p = sub.add_parser("poison-npy")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("index", type=int)
    p.add_argument("value")
    p.set_defaults(run=poison_npy)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
