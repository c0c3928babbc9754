#!/usr/bin/env bash
# Builds nnc, compiles examples/mlp.mlir and trains it on Fashion-MNIST.
# Extra arguments go to `./mlp train` (e.g. --epochs 1).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build/bin/nnc examples/mlp.mlir -o build/mlp
build/mlp train "$@"
