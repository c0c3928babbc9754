#!/usr/bin/env bash
# Builds a folder (default build/gpu-kit, ~50 MB) with which a GPU machine
# that has no LLVM 22 and no nnc checks and benchmarks nnc's GPU path: the
# MLP, MLP+BN and CNN examples compiled for the GPU (TF32 and fp32 matmuls)
# and for the CPU, and Fashion-MNIST. Copy it there with the repository and
# run bench/gpu_check.py --kit DIR and bench/bench_gpu.py --binaries DIR.
#   tools/gpu-kit.sh [DIR] [--emulate]   (--emulate: GPU builds for the CUDA
#                                         emulator, to try the scripts here)
# $NNC names the compiler to use (default: tools/setup.sh, then build/bin/nnc);
# $NNC_KIT_MODELS the examples (default: mlp mlp_bn cnn).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kit=$root/build/gpu-kit
gpu_flags=(--target=nvptx)
for arg in "$@"; do
  case "$arg" in
    --emulate) gpu_flags+=(--gpu-emulate) ;;
    -*) echo "gpu-kit.sh: unknown option $arg" >&2; exit 2 ;;
    *) kit=$(realpath -m "$arg") ;;
  esac
done
case "${NNC:-}" in */*) NNC=$(realpath "$NNC") ;; esac
cd "$root"
if [ -z "${NNC:-}" ]; then
  tools/setup.sh > /dev/null
  NNC=build/bin/nnc
fi
models=${NNC_KIT_MODELS:-mlp mlp_bn cnn}
# Replaces only a kit of its own (the marker file), never another folder.
if [ -e "$kit" ] && [ ! -e "$kit/.nnc-gpu-kit" ]; then
  echo "gpu-kit.sh: $kit exists and is no kit of gpu-kit.sh: not replacing it" >&2
  exit 1
fi
rm -rf "$kit"
mkdir -p "$kit/data"
touch "$kit/.nnc-gpu-kit"
cp /usr/share/datasets/fashion-mnist/*.gz "$kit/data/"
for model in $models; do
  "$NNC" "examples/$model.mlir" -o "$kit/$model-cpu"
  "$NNC" "examples/$model.mlir" "${gpu_flags[@]}" -o "$kit/$model-gpu-tf32"
  "$NNC" "examples/$model.mlir" "${gpu_flags[@]}" --gpu-matmul=fp32 \
    -o "$kit/$model-gpu-fp32"
done
echo "gpu-kit: $(du -sh "$kit" | cut -f1) in $kit ($models)"
