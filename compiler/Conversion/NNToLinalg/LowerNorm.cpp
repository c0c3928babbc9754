//===- LowerNorm.cpp - BatchNorm and its gradient to linalg ---------------===//
//
// Statistics are per channel (dimension 1) over every other dimension, in two
// passes (mean, then the mean of squared deviations) for accuracy, as
// PyTorch's CPU kernel does.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
using utils::IteratorType;

/// Maps of an N-d tensor and of its per-channel vector.
struct ChannelMaps {
  AffineMap full, channel;
  SmallVector<IteratorType> parallel, reduce;
  SmallVector<int64_t> reducedDims;
};

ChannelMaps channelMaps(OpBuilder &b, RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  ChannelMaps maps{b.getMultiDimIdentityMap(rank),
                   AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
                   SmallVector<IteratorType>(rank, IteratorType::parallel),
                   {},
                   {}};
  for (int64_t i = 0; i < rank; ++i) {
    maps.reduce.push_back(i == 1 ? IteratorType::parallel
                                 : IteratorType::reduction);
    if (i != 1)
      maps.reducedDims.push_back(i);
  }
  return maps;
}

RankedTensorType channelType(RankedTensorType type) {
  return RankedTensorType::get({type.getDimSize(1)}, type.getElementType());
}

/// Σ over all but the channel dimension of body(inputs...), per channel.
Value channelSum(OpBuilder &b, Location loc, ValueRange inputs,
                 ArrayRef<AffineMap> maps, RankedTensorType type,
                 nnc::BodyBuilder body) {
  ChannelMaps cm = channelMaps(b, type);
  return nnc::buildSum(b, loc, inputs, maps, channelType(type), cm.channel,
                       cm.reduce, body);
}

/// Per-channel elementwise function of [C] vectors.
Value perChannel(OpBuilder &b, Location loc, ValueRange inputs,
                 nnc::BodyBuilder body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  return nnc::buildElementwise(b, loc, type, inputs, body);
}

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return nnc::floatConstant(b, loc, like.getType(), v);
}

/// 1 / sqrt(var + eps), per channel.
Value inverseStd(OpBuilder &b, Location loc, Value var, double eps) {
  return perChannel(b, loc, var, [&](OpBuilder &b, Location loc, ValueRange a) {
    Value shifted = arith::AddFOp::create(b, loc, a[0], cst(b, loc, a[0], eps));
    return math::RsqrtOp::create(b, loc, shifted);
  });
}

/// (x − mean)·invstd·γ + β with per-channel mean, invstd, γ, β.
Value normalize(OpBuilder &b, Location loc, Value x, Value mean, Value invstd,
                Value gamma, Value beta) {
  auto type = cast<RankedTensorType>(x.getType());
  ChannelMaps cm = channelMaps(b, type);
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  return nnc::buildGeneric(
      b, loc, {x, mean, invstd, gamma, beta},
      {cm.full, cm.channel, cm.channel, cm.channel, cm.channel}, empty, cm.full,
      cm.parallel, [](OpBuilder &b, Location loc, ValueRange a) {
        Value centered = arith::SubFOp::create(b, loc, a[0], a[1]);
        Value scale = arith::MulFOp::create(b, loc, a[2], a[3]);
        return arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, centered, scale), a[4]);
      });
}

Value readChannelParam(OpBuilder &b, Location loc, RankedTensorType type,
                       FlatSymbolRefAttr sym) {
  return ReadParamOp::create(b, loc, channelType(type), sym);
}

struct LowerBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    double eps = op.getEpsilon().convertToDouble();
    Value gamma = readChannelParam(rewriter, loc, type, op.getWeightAttr());
    Value beta = readChannelParam(rewriter, loc, type, op.getBiasAttr());
    Value mean, var;
    if (op.getTraining()) {
      std::tie(mean, var) = nnc::buildChannelStatistics(rewriter, loc, op.getInput());
    } else {
      mean = readChannelParam(rewriter, loc, type, op.getRunningMeanAttr());
      var = readChannelParam(rewriter, loc, type, op.getRunningVarAttr());
    }
    Value invstd = inverseStd(rewriter, loc, var, eps);
    rewriter.replaceOp(op, normalize(rewriter, loc, op.getInput(), mean, invstd,
                                     gamma, beta));
    return success();
  }
};

struct LowerBatchNormGrad : OpRewritePattern<BatchNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput(), dy = op.getOutputGrad(), gamma = op.getWeight();
    auto type = cast<RankedTensorType>(x.getType());
    ChannelMaps cm = channelMaps(rewriter, type);
    double count = double(type.getNumElements() / type.getDimSize(1));
    auto [mean, var] = nnc::buildChannelStatistics(rewriter, loc, x);
    Value invstd =
        inverseStd(rewriter, loc, var, op.getEpsilon().convertToDouble());
    // dβ = Σ dy, dγ = Σ dy·x̂
    Value dbeta = channelSum(rewriter, loc, dy, cm.full, type,
                             [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    Value dgamma = channelSum(
        rewriter, loc, {x, dy, mean, invstd},
        {cm.full, cm.full, cm.channel, cm.channel}, type,
        [](OpBuilder &b, Location loc, ValueRange a) {
          Value xhat = arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, a[0], a[2]), a[3]);
          return arith::MulFOp::create(b, loc, a[1], xhat);
        });
    // dx = γ·invstd/M · (M·dy − dβ − x̂·dγ)
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    Value dx = nnc::buildGeneric(
        rewriter, loc, {x, dy, mean, invstd, gamma, dbeta, dgamma},
        {cm.full, cm.full, cm.channel, cm.channel, cm.channel, cm.channel,
         cm.channel},
        empty, cm.full, cm.parallel,
        [&](OpBuilder &b, Location loc, ValueRange a) {
          Value xhat = arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, a[0], a[2]), a[3]);
          Value m = cst(b, loc, a[0], count);
          Value inner = arith::SubFOp::create(
              b, loc,
              arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, m, a[1]),
                                    a[5]),
              arith::MulFOp::create(b, loc, xhat, a[6]));
          Value scale = arith::DivFOp::create(
              b, loc, arith::MulFOp::create(b, loc, a[4], a[3]), m);
          return arith::MulFOp::create(b, loc, scale, inner);
        });
    rewriter.replaceOp(op, {dx, dgamma, dbeta});
    return success();
  }
};
} // namespace

std::pair<Value, Value> nnc::buildChannelStatistics(OpBuilder &b, Location loc,
                                                    Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  ChannelMaps cm = channelMaps(b, type);
  double count = double(type.getNumElements() / type.getDimSize(1));
  auto scaleBy = [&](Value sum) {
    return perChannel(b, loc, sum, [&](OpBuilder &b, Location loc, ValueRange a) {
      return arith::DivFOp::create(b, loc, a[0], cst(b, loc, a[0], count));
    });
  };
  Value mean = scaleBy(channelSum(
      b, loc, x, cm.full, type,
      [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
  Value var = scaleBy(channelSum(
      b, loc, {x, mean}, {cm.full, cm.channel}, type,
      [](OpBuilder &b, Location loc, ValueRange a) {
        Value d = arith::SubFOp::create(b, loc, a[0], a[1]);
        return arith::MulFOp::create(b, loc, d, d);
      }));
  return {mean, var};
}

void nnc::populateNormLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerBatchNorm, LowerBatchNormGrad>(patterns.getContext());
}
