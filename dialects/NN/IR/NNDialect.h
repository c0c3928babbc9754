//===- NNDialect.h - nn dialect and its attributes --------------*- C++ -*-===//

#ifndef NN_IR_NNDIALECT_H
#define NN_IR_NNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include <string>

namespace mlir::nn {
/// An initializer resolved for one tensor shape: what the runtime samples.
struct Distribution {
  enum class Kind { Constant, Uniform, Normal, Pretrained };
  Kind kind = Kind::Constant;
  /// Constant: value `a`. Uniform: U(a, b). Normal: N(a, b²).
  double a = 0.0, b = 0.0;
};

/// PyTorch's `_calculate_fan_in_and_fan_out`: fails for tensors of rank < 2.
FailureOr<std::pair<int64_t, int64_t>> computeFans(ArrayRef<int64_t> shape,
                                                   std::string &error);
} // namespace mlir::nn

namespace mlir {
/// Initializer parameters (gains, constants) are written as plain numbers
/// and held as double-precision APFloats.
template <>
struct FieldParser<llvm::APFloat> {
  static FailureOr<llvm::APFloat> parse(AsmParser &parser) {
    double value;
    if (parser.parseFloat(value))
      return failure();
    return llvm::APFloat(value);
  }
};
} // namespace mlir

#include "dialects/NN/IR/NNDialect.h.inc"
#include "dialects/NN/IR/NNEnums.h.inc"
#include "dialects/NN/IR/NNAttrInterfaces.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/NN/IR/NNAttrs.h.inc"

#endif // NN_IR_NNDIALECT_H
