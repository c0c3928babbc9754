//===- Builders.h - linalg building blocks for the nn lowering --*- C++ -*-===//

#ifndef NNC_CONVERSION_NNTOLINALG_BUILDERS_H
#define NNC_CONVERSION_NNTOLINALG_BUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace nnc {
/// Computes the scalar result of a linalg.generic body from its block
/// arguments (inputs first, then the output's current value).
using BodyBuilder =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>;

/// A float constant of `type` (f32 or f64).
mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type, double value);

/// A tensor of `type` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, double value);

/// linalg.generic with one output `init` and the given maps and iterators.
mlir::Value buildGeneric(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::ValueRange inputs,
                         llvm::ArrayRef<mlir::AffineMap> inputMaps,
                         mlir::Value init, mlir::AffineMap outputMap,
                         llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                         BodyBuilder body);

/// Elementwise map of same-shaped `inputs` into a new tensor of `type`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type,
                             mlir::ValueRange inputs, BodyBuilder body);

/// Reduces `input` over the sorted dimensions `dims` (dropped from the
/// result), starting from `init`. The body gets (element, accumulator).
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<int64_t> dims,
                           double init, BodyBuilder body);

/// Σ term(inputs...) over the reduction iterators into a new tensor of
/// `resultType`, accumulated in f64: a sequential float32 sum over 10⁵
/// elements (gradient norms, BatchNorm statistics) is off by ~10⁻⁵, enough
/// to drift from PyTorch within a few steps. (Convolution weight gradients
/// are float32 GEMMs, as in PyTorch: their sums run over N·Ho·Wo in the
/// same order for every thread count.)
mlir::Value buildSum(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::ValueRange inputs,
                     llvm::ArrayRef<mlir::AffineMap> inputMaps,
                     mlir::RankedTensorType resultType,
                     mlir::AffineMap outputMap,
                     llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                     BodyBuilder term);

/// Σ over the sorted dimensions `dims` of `input` (dropped from the result),
/// accumulated in f64.
mlir::Value buildDimSum(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, llvm::ArrayRef<int64_t> dims,
                        BodyBuilder term);

/// Sum of all elements of `input` as a 0-d tensor.
mlir::Value buildTotalSum(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value input);
/// op(lhs) · op(rhs) + init as one linalg.matmul whose indexing maps express
/// the transposes (no transposed copy is materialized).
mlir::Value buildMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                        mlir::Value rhs, bool transposeLhs, bool transposeRhs,
                        mlir::Value init);
} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_BUILDERS_H
