//===- Passes.h - nn dialect passes -----------------------------*- C++ -*-===//

#ifndef NN_TRANSFORMS_PASSES_H
#define NN_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::nn {
#define GEN_PASS_DECL
#include "dialects/NN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/NN/Transforms/Passes.h.inc"
} // namespace mlir::nn

#endif // NN_TRANSFORMS_PASSES_H
