//===- NNInterfaces.h - nn op interfaces ------------------------*- C++ -*-===//

#ifndef NN_IR_NNINTERFACES_H
#define NN_IR_NNINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::nn {
/// Where a gradient rule delivers its results. `nn-autodiff` implements it:
/// it knows which values and parameters need gradients and accumulates
/// contributions from several uses.
class GradientSink {
public:
  virtual ~GradientSink() = default;
  /// Whether the loss depends on operand `index` through a trainable path.
  virtual bool needsOperandGradient(unsigned index) const = 0;
  /// Whether `param` is trained (neither frozen nor pretrained-and-fixed).
  virtual bool needsParamGradient(FlatSymbolRefAttr param) const = 0;
  virtual void setOperandGradient(unsigned index, Value grad) = 0;
  virtual void addParamGradient(FlatSymbolRefAttr param, Value grad) = 0;
};
} // namespace mlir::nn

#include "dialects/NN/IR/NNOpInterfaces.h.inc"

#endif // NN_IR_NNINTERFACES_H
