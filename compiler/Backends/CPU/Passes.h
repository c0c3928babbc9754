//===- Passes.h - CPU backend passes ----------------------------*- C++ -*-===//

#ifndef NNC_BACKENDS_CPU_PASSES_H
#define NNC_BACKENDS_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace nnc::cpu {
#define GEN_PASS_DECL
#include "compiler/Backends/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Backends/CPU/Passes.h.inc"

/// f32 lanes of one vector register (AVX-512).
inline constexpr int64_t kVectorLanes = 16;

/// Side of the square blocks that a transpose is tiled into (16×16 f32
/// lowers to AVX-512 shuffles); nnc-cpu-parallelize splits along them.
inline constexpr int64_t kTransposeBlock = 16;

/// The loop dimension that walks the innermost (contiguous) dimension of the
/// op's largest operand: nnc-cpu-tile-and-vectorize puts its vectors along
/// it, so vectors become plain loads and stores.
unsigned contiguousLoopDim(mlir::linalg::LinalgOp op);

/// The loops of a stencil: a reduction whose input windows slide with the
/// output (a direct convolution, out[n, o, y, x] += in[n, c, y + i, x + j] ·
/// w[c, i, j, o]). `column` walks the output's innermost dimension (x; the
/// sliding inputs advance along theirs with stride 1), `row` the one before
/// (y), `channel` a parallel loop that no sliding input depends on (o).
struct StencilLoops {
  unsigned row, column, channel;
};
std::optional<StencilLoops> getStencilLoops(mlir::linalg::LinalgOp op);
} // namespace nnc::cpu

#endif // NNC_BACKENDS_CPU_PASSES_H
