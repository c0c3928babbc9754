//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//

#ifndef NN_IR_NNOPS_H
#define NN_IR_NNOPS_H

#include "dialects/NN/IR/NNDialect.h"
#include "dialects/NN/IR/NNInterfaces.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::nn {
/// The resource that parameter reads and updates touch.
struct ParamResource : public SideEffects::Resource::Base<ParamResource> {
  StringRef getName() final { return "nn.param"; }
};

/// How layer, group and instance normalization see their input: as
/// [rows, groups, channels, elements] (row-major), with one mean and variance
/// per (row, group) over (channel, element), and γ and β per (group,
/// channel). LayerNorm: [leading elements, 1, normalized elements, 1];
/// GroupNorm: [N, groups, C/groups, spatial]; InstanceNorm: [N, C, 1, spatial].
struct NormView {
  int64_t rows, groups, channels, elements;

  RankedTensorType getInputType(MLIRContext *ctx) const;
  /// The view of γ and β.
  RankedTensorType getParamType(MLIRContext *ctx) const;
};
} // namespace mlir::nn

#define GET_OP_CLASSES
#include "dialects/NN/IR/NNOps.h.inc"

namespace mlir::nn {
/// The hyperparameters that `nn.model` takes as attributes (lr, clip_norm
/// and noise floats; epochs and seed integers), in the manifest's order.
inline constexpr llvm::StringLiteral kHyperparameters[] = {
    "lr", "clip_norm", "noise", "epochs", "seed"};

/// The `nn.param` that `sym` names, seen from `from`; null if there is none.
ParamOp lookupParam(Operation *from, FlatSymbolRefAttr sym);

/// Output size of a convolution or pooling window along one dimension
/// (PyTorch's formula, rounded down); 0 when the window does not fit.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padding, int64_t dilation);
} // namespace mlir::nn

#endif // NN_IR_NNOPS_H
