//===- Passes.h - passes every backend shares -------------------*- C++ -*-===//

#ifndef NNC_BACKENDS_COMMON_PASSES_H
#define NNC_BACKENDS_COMMON_PASSES_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace nnc {
#define GEN_PASS_DECL
#include "compiler/Backends/Common/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Backends/Common/Passes.h.inc"
} // namespace nnc

#endif // NNC_BACKENDS_COMMON_PASSES_H
