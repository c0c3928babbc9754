//===- NNToLinalg.h - lowering nn to linalg on tensors ----------*- C++ -*-===//
//
// The lowering is split by op family, one populate function per file:
// linear (dense, matmul), elementwise (activations), loss, shape; the ops
// that touch the model state (parameter reads, gradient norm, SGD update)
// need the state layout and are lowered by `lowerStateAccesses`.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_NNTOLINALG_NNTOLINALG_H
#define NNC_CONVERSION_NNTOLINALG_NNTOLINALG_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::nn {
class ModelOp;
enum class Activation : uint32_t;
} // namespace mlir::nn

namespace nnc {
/// Where one tensor of the model lives in the flat state (docs/abi.md).
struct TensorSlot {
  int64_t offset = 0;
  mlir::RankedTensorType type;
  /// Position in the manifest: index into the `trainable` mask.
  int64_t ordinal = 0;
};

/// The flat state of a model: every parameter in declaration order.
struct StateLayout {
  llvm::MapVector<mlir::StringAttr, TensorSlot> slots;
  int64_t size = 0;

  static StateLayout compute(mlir::nn::ModelOp model);
};

void populateLinearLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateLossLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateShapeLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateConvLoweringPatterns(mlir::RewritePatternSet &patterns,
                                  const StateLayout &layout);
/// Marks (kSharesArgmaxAttr) every nn.max_pool2d whose input also feeds an
/// nn.max_pool2d_grad of the same windows in its block: lowered as the
/// gradient's argmax generic, the window maxima are then computed once.
void markSharedArgmax(mlir::Operation *root);
inline constexpr llvm::StringLiteral kSharesArgmaxAttr = "nnc.shares_argmax";

/// Marks (kBiasAfterSumAttr) every nn.conv2d with a bias whose output a
/// BatchNorm normalizes: its lowering adds the bias to the finished sum (as
/// PyTorch does) rather than starting the sum from it, one more pass but
/// without the bias's rounding in every partial sum, which the BatchNorm's
/// subtraction of the mean magnifies. Elsewhere (prediction with folded
/// BatchNorm, nets without) the sum starts from the bias.
void markBiasAfterSum(mlir::Operation *root);
inline constexpr llvm::StringLiteral kBiasAfterSumAttr = "nnc.bias_after_sum";

void populateNormLoweringPatterns(mlir::RewritePatternSet &patterns,
                                  const StateLayout &layout);
void populateWeightNormLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateFusedNormLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateGramLoweringPatterns(mlir::RewritePatternSet &patterns,
                                  const StateLayout &layout);

/// f(x) of an activation inside a linalg.generic body, in x's float type.
mlir::Value buildActivation(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::nn::Activation kind, double alpha,
                            mlir::Value x);

/// dy·f'(x) of an activation inside a generic body, given its input x and
/// output y (relu, leaky_relu and elu test x > 0, which y > 0 answers too).
mlir::Value buildActivationGrad(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::nn::Activation kind, double alpha,
                                mlir::Value x, mlir::Value y, mlir::Value dy);

/// Per-channel (dimension 1) mean and biased variance of `x` from Σx and Σx²
/// taken together in one pass (f64), as [C] tensors: the statistics of
/// nn.batch_norm_act.
std::pair<mlir::Value, mlir::Value>
buildChannelMoments(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// Per-channel (dimension 1) mean and biased variance of `x`, as [C] tensors.
std::pair<mlir::Value, mlir::Value>
buildChannelStatistics(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// Row-major reshape of `input` to `target` as tensor views.
mlir::Value buildReshape(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, mlir::RankedTensorType target);

/// The values an entry point offers for state access.
struct StateAccess {
  /// The state as a tensor (bufferization.to_tensor of the state argument).
  mlir::Value state;
  /// The state argument, written at the end when parameters were updated.
  mlir::Value stateBuffer;
  /// The run-time `trainable` mask as a tensor, if the entry point has one.
  mlir::Value trainable;
};

/// Replaces nn.read_param, nn.global_norm, nn.sgd_update and
/// nn.batch_norm_update_stats in `func` with slices of the state, a masked
/// reduction and in-place updates.
mlir::LogicalResult lowerStateAccesses(mlir::func::FuncOp func,
                                       const StateLayout &layout,
                                       const StateAccess &access);

/// Draws one standard normal per element index `index` (i32) from Philox
/// 4x32-10 with key `seed` and counter (index, stream, step, 2^31 + step>>32),
/// as docs/abi.md specifies. Emitted inside a linalg.generic body.
mlir::Value buildPhiloxNormal(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value index, mlir::Value stream,
                              mlir::Value seed, mlir::Value step,
                              mlir::Type floatType);

/// Rewrites `func` to compute in f64 instead of f32, all arguments included
/// except the float arguments listed in `keepF32`, which are converted on
/// entry.
void widenToF64(mlir::func::FuncOp func, llvm::ArrayRef<unsigned> keepF32);
} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_NNTOLINALG_H
