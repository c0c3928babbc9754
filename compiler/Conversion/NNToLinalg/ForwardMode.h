//===- ForwardMode.h - tangents of lowered code (JVP) -----------*- C++ -*-===//
//
// Forward-mode differentiation of a function already lowered to linalg,
// tensor, arith and math on tensors. Working at this level covers every nn
// op and every gradient rule at once: their lowerings only use a few dozen
// scalar ops, whose derivatives are known, and structural tensor ops, which
// apply unchanged to tangents. Applied to the lowered gradient it gives
// Hessian-vector products (forward over reverse, docs/curvature.md).
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_NNTOLINALG_FORWARDMODE_H
#define NNC_CONVERSION_NNTOLINALG_FORWARDMODE_H

#include "mlir/IR/Block.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

namespace nnc {
/// The tangent of each value; a value without an entry has tangent zero.
using TangentMap = llvm::DenseMap<mlir::Value, mlir::Value>;

/// Whether values of `type` (a float or a tensor of floats) have tangents.
bool hasTangentType(mlir::Type type);

/// A zero of `type` (float scalar or ranked tensor), a null tangent made
/// explicit.
mlir::Value zeroTangent(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Type type);

/// Adds to `block` the tangent of every value that depends on the values
/// seeded in `tangents`, and records it there. A linalg.generic whose
/// operands have tangents is replaced by one computing primal and tangent
/// together (the map then holds the new primal results). An op whose
/// derivative is unknown gets an error naming it and the call fails.
mlir::LogicalResult differentiateForward(mlir::Block &block,
                                         TangentMap &tangents);
} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_FORWARDMODE_H
