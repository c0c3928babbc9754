"""Writes the first N training and N test samples of Fashion-MNIST (IDX,
gzip) to DST: a data set whose evaluation is quick under slow emulation.

usage: small_fashion_mnist.py SRC DST N
"""
import gzip
import os
import sys


def copy(src, dst, name, header, sample_bytes, n):
    with gzip.open(os.path.join(src, name)) as f:
        data = f.read(header + n * sample_bytes)
    head = bytearray(data[:header])
    head[4:8] = n.to_bytes(4, "big")  # the sample count
    with gzip.open(os.path.join(dst, name), "wb") as f:
        f.write(bytes(head) + data[header:])


def main():
    src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(dst, exist_ok=True)
    for split in ("train", "t10k"):
        copy(src, dst, f"{split}-images-idx3-ubyte.gz", 16, 784, n)
        copy(src, dst, f"{split}-labels-idx1-ubyte.gz", 8, 1, n)


if __name__ == "__main__":
    main()
