//===- HessianVectorProduct.h - nnc_hvp -------------------------*- C++ -*-===//

#ifndef NNC_CONVERSION_NNTOLINALG_HESSIANVECTORPRODUCT_H
#define NNC_CONVERSION_NNTOLINALG_HESSIANVECTORPRODUCT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace nnc {
/// Adds `nnc_hvp(state, x, y, v, hv)` (docs/abi.md) after `gradient`, the
/// lowered nnc_gradient entry point: hv = H·v, the Hessian of the batch's
/// loss with respect to the state times v, by forward-mode differentiation
/// of the gradient. Fails with an error naming the op it cannot
/// differentiate.
mlir::LogicalResult buildHessianVectorProduct(mlir::func::FuncOp gradient);
} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_HESSIANVECTORPRODUCT_H
