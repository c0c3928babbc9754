//===- Passes.h - NVPTX backend passes --------------------------*- C++ -*-===//

#ifndef NNC_BACKENDS_NVPTX_PASSES_H
#define NNC_BACKENDS_NVPTX_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace nnc::nvptx {
#define GEN_PASS_DECL
#include "compiler/Backends/NVPTX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

#endif // NNC_BACKENDS_NVPTX_PASSES_H
