//===- LowerLoss.cpp - losses and their gradients to linalg ---------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::nn;

namespace {
using utils::IteratorType;

/// Row maxima m[n] and sums s[n] = Σ_c exp(z[n,c] − m[n]) of logits z: the
/// numerically stable pieces of log-softmax.
std::pair<Value, Value> softmaxStatistics(OpBuilder &b, Location loc,
                                          Value logits) {
  auto type = cast<RankedTensorType>(logits.getType());
  Type elem = type.getElementType();
  Value max = nnc::buildReduction(
      b, loc, logits, {1}, -std::numeric_limits<double>::infinity(),
      [](OpBuilder &b, Location loc, ValueRange args) {
        return arith::MaximumFOp::create(b, loc, args[0], args[1]);
      });
  MLIRContext *ctx = b.getContext();
  auto rows = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  auto rowType = RankedTensorType::get({type.getDimSize(0)}, elem);
  Value sum = nnc::buildGeneric(
      b, loc, {logits, max}, {b.getMultiDimIdentityMap(2), rows},
      nnc::filledTensor(b, loc, rowType, 0.0), rows,
      {IteratorType::parallel, IteratorType::reduction},
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value shifted = arith::SubFOp::create(b, loc, args[0], args[1]);
        Value e = math::ExpOp::create(b, loc, shifted);
        return arith::AddFOp::create(b, loc, args[2], e);
      });
  return {max, sum};
}

/// Divides a 0-d tensor by `count`.
Value meanOf(OpBuilder &b, Location loc, Value total, int64_t count) {
  auto type = cast<RankedTensorType>(total.getType());
  return nnc::buildElementwise(
      b, loc, type, total, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value n = nnc::floatConstant(b, loc, type.getElementType(),
                                     double(count));
        return arith::DivFOp::create(b, loc, args[0], n);
      });
}

/// The class index of the current row, as an index.
Value labelIndex(OpBuilder &b, Location loc, Value label) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), label);
}

struct LowerSoftmaxCrossEntropy : OpRewritePattern<SoftmaxCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value z = op.getLogits();
    auto type = op.getLogits().getType();
    auto [max, sum] = softmaxStatistics(rewriter, loc, z);
    // loss[n] = log s[n] + (m[n] − z[n, y[n]]): the difference first, as
    // PyTorch's log-softmax does, or huge logits would swallow log s[n].
    auto rowType = RankedTensorType::get({type.getDimSize(0)},
                                         type.getElementType());
    Value perSample = nnc::buildElementwise(
        rewriter, loc, rowType, {max, sum, op.getLabels()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value n = linalg::IndexOp::create(b, loc, 0);
          Value picked = tensor::ExtractOp::create(
              b, loc, z, ValueRange{n, labelIndex(b, loc, args[2])});
          Value margin = arith::SubFOp::create(b, loc, args[0], picked);
          return arith::AddFOp::create(
              b, loc, math::LogOp::create(b, loc, args[1]), margin);
        });
    Value total = nnc::buildTotalSum(rewriter, loc, perSample);
    rewriter.replaceOp(op, meanOf(rewriter, loc, total, type.getDimSize(0)));
    return success();
  }
};

struct LowerSoftmaxCrossEntropyGrad
    : OpRewritePattern<SoftmaxCrossEntropyGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxCrossEntropyGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value z = op.getLogits();
    auto type = op.getLogits().getType();
    Type elem = type.getElementType();
    auto [max, sum] = softmaxStatistics(rewriter, loc, z);
    MLIRContext *ctx = rewriter.getContext();
    auto rows = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
    auto scalar = AffineMap::get(2, 0, {}, ctx);
    auto identity = rewriter.getMultiDimIdentityMap(2);
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elem);
    double batch = double(type.getDimSize(0));
    // dz = dl/N · (softmax(z) − onehot(y))
    Value grad = nnc::buildGeneric(
        rewriter, loc, {z, max, sum, op.getLabels(), op.getLossGrad()},
        {identity, rows, rows, rows, scalar}, empty, identity,
        {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value e = math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, args[0], args[1]));
          Value p = arith::DivFOp::create(b, loc, e, args[2]);
          Value c = linalg::IndexOp::create(b, loc, 1);
          Value hot = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            c, labelIndex(b, loc, args[3]));
          Value one = nnc::floatConstant(b, loc, elem, 1.0);
          Value zero = nnc::floatConstant(b, loc, elem, 0.0);
          Value diff = arith::SubFOp::create(
              b, loc, p, arith::SelectOp::create(b, loc, hot, one, zero));
          Value scale = arith::DivFOp::create(
              b, loc, args[4], nnc::floatConstant(b, loc, elem, batch));
          return arith::MulFOp::create(b, loc, diff, scale);
        });
    rewriter.replaceOp(op, grad);
    return success();
  }
};

struct LowerMse : OpRewritePattern<MseOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    Value squares = nnc::buildElementwise(
        rewriter, loc, type, {op.getInput(), op.getTarget()},
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value d = arith::SubFOp::create(b, loc, args[0], args[1]);
          return arith::MulFOp::create(b, loc, d, d);
        });
    Value total = nnc::buildTotalSum(rewriter, loc, squares);
    rewriter.replaceOp(op, op.getReduction() == "sum"
                               ? total
                               : meanOf(rewriter, loc, total,
                                        type.getNumElements()));
    return success();
  }
};

struct LowerMseGrad : OpRewritePattern<MseGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MseGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    int64_t rank = type.getRank();
    auto identity = rewriter.getMultiDimIdentityMap(rank);
    auto scalar = AffineMap::get(rank, 0, {}, rewriter.getContext());
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    double count =
        op.getReduction() == "sum" ? 1.0 : double(type.getNumElements());
    // d input = dl · 2 (input − target) / numel (/ 1 for a sum)
    Value grad = nnc::buildGeneric(
        rewriter, loc, {op.getInput(), op.getTarget(), op.getLossGrad()},
        {identity, identity, scalar}, empty, identity,
        SmallVector<IteratorType>(rank, IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value d = arith::SubFOp::create(b, loc, args[0], args[1]);
          Value k = nnc::floatConstant(b, loc, type.getElementType(),
                                       2.0 / count);
          return arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, d, k), args[2]);
        });
    rewriter.replaceOp(op, grad);
    return success();
  }
};
} // namespace

void nnc::populateLossLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSoftmaxCrossEntropy, LowerSoftmaxCrossEntropyGrad, LowerMse,
               LowerMseGrad>(patterns.getContext());
}
