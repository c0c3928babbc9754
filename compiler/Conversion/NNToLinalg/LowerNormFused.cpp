//===- LowerNormFused.cpp - fused and folded BatchNorm to linalg ----------===//
//
// nn.batch_norm_act (nn-fuse-batchnorm) in training: one pass for Σx and Σx²
// per channel (two outputs of one generic, f64), one pass for
// act(x̂·γ + β). Its gradient: one pass for Σg and Σg·x̂ with g = dy·f'(y),
// one pass for dx. The statistics come from one helper, so the forward, the
// gradient and the running-statistics update share them after CSE.
// nn.batch_norm_fold and nn.bias_add (nn-fold-batchnorm) are small maps.
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

/// Maps of a per-channel (dimension 1) computation over a whole tensor.
struct ChannelMaps {
  AffineMap full, channel;
  SmallVector<IteratorType> parallel, channelReduce;
  /// Elements per channel.
  double count;
};

ChannelMaps channelMaps(OpBuilder &b, RankedTensorType type) {
  ChannelMaps m;
  int64_t rank = type.getRank();
  m.full = b.getMultiDimIdentityMap(rank);
  m.channel = AffineMap::get(rank, 0, b.getAffineDimExpr(1), b.getContext());
  m.parallel.assign(rank, IteratorType::parallel);
  m.channelReduce.assign(rank, IteratorType::reduction);
  m.channelReduce[1] = IteratorType::parallel;
  m.count = double(type.getNumElements() / type.getDimSize(1));
  return m;
}

RankedTensorType channelType(RankedTensorType type, Type elem) {
  return RankedTensorType::get({type.getDimSize(1)}, elem);
}

Value cst(OpBuilder &b, Location loc, Type type, double v) {
  return nnc::floatConstant(b, loc, type, v);
}

/// A linalg.generic with several outputs; `body` yields one value each.
ValueRange buildMultiGeneric(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
    ValueRange inits, ArrayRef<IteratorType> iterators,
    llvm::function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        body) {
  auto generic = linalg::GenericOp::create(
      b, loc, inits.getTypes(), inputs, inits, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args));
      });
  return generic.getResults();
}

/// Two f64 sums per channel in one pass over the inputs: (Σ t0, Σ t1) where
/// `terms` computes (t0, t1) from an element of each input.
std::pair<Value, Value> channelSums2(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
    const ChannelMaps &cm, RankedTensorType type,
    llvm::function_ref<std::pair<Value, Value>(OpBuilder &, Location,
                                               ValueRange)>
        terms) {
  Type f64 = b.getF64Type();
  Value zero = nnc::filledTensor(b, loc, channelType(type, f64), 0.0);
  SmallVector<AffineMap> allMaps(maps);
  allMaps.append({cm.channel, cm.channel});
  ValueRange sums = buildMultiGeneric(
      b, loc, inputs, allMaps, {zero, zero}, cm.channelReduce,
      [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
        auto [t0, t1] = terms(b, loc, a.drop_back(2));
        auto widen = [&](Value v) -> Value {
          return v.getType() == f64 ? v
                                    : arith::ExtFOp::create(b, loc, f64, v);
        };
        return {arith::AddFOp::create(b, loc, a[a.size() - 2], widen(t0)),
                arith::AddFOp::create(b, loc, a.back(), widen(t1))};
      });
  return {sums[0], sums[1]};
}

/// Elementwise map of [C] tensors into one new [C] tensor of `elem`.
Value mapChannels(OpBuilder &b, Location loc, ValueRange inputs, Type elem,
                  nnc::BodyBuilder body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  return nnc::buildElementwise(
      b, loc, RankedTensorType::get(type.getShape(), elem), inputs, body);
}

/// 1 / sqrt(var + eps) per channel, as LowerNorm computes it.
Value inverseStd(OpBuilder &b, Location loc, Value var, double eps) {
  return mapChannels(b, loc, var, b.getF32Type(),
                     [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
                       Value shifted = arith::AddFOp::create(
                           b, loc, a[0], cst(b, loc, a[0].getType(), eps));
                       return math::RsqrtOp::create(b, loc, shifted);
                     });
}

/// x̂ = (x − mean)·invstd inside a generic body.
Value normalized(OpBuilder &b, Location loc, Value x, Value mean,
                 Value invstd) {
  return arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, x, mean),
                               invstd);
}

/// act(x̂·γ + β) in one pass.
Value normalizeActivate(OpBuilder &b, Location loc, BatchNormActOp op,
                        Value mean, Value invstd, Value gamma, Value beta) {
  Value x = op.getInput();
  auto type = op.getInput().getType();
  ChannelMaps cm = channelMaps(b, type);
  std::optional<Activation> kind = op.getActivation();
  double alpha = op.getAlpha().convertToDouble();
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  return nnc::buildGeneric(
      b, loc, {x, mean, invstd, gamma, beta},
      {cm.full, cm.channel, cm.channel, cm.channel, cm.channel}, empty, cm.full,
      cm.parallel, [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value xhat = normalized(b, loc, a[0], a[1], a[2]);
        Value y = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, xhat, a[3]), a[4]);
        return kind ? nnc::buildActivation(b, loc, *kind, alpha, y) : y;
      });
}

Value readChannelParam(OpBuilder &b, Location loc, RankedTensorType type,
                       FlatSymbolRefAttr sym) {
  return ReadParamOp::create(b, loc, channelType(type, type.getElementType()),
                             sym);
}

struct LowerBatchNormAct : OpRewritePattern<BatchNormActOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormActOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    double eps = op.getEpsilon().convertToDouble();
    Value mean, var;
    if (op.getTraining()) {
      std::tie(mean, var) =
          nnc::buildChannelMoments(rewriter, loc, op.getInput());
    } else {
      mean = readChannelParam(rewriter, loc, type, op.getRunningMeanAttr());
      var = readChannelParam(rewriter, loc, type, op.getRunningVarAttr());
    }
    Value gamma = readChannelParam(rewriter, loc, type, op.getWeightAttr());
    Value beta = readChannelParam(rewriter, loc, type, op.getBiasAttr());
    rewriter.replaceOp(op, normalizeActivate(rewriter, loc, op, mean,
                                             inverseStd(rewriter, loc, var, eps),
                                             gamma, beta));
    return success();
  }
};

/// dβ = Σ g, dγ = Σ g·x̂ (one pass), dx = γ·invstd/M · (M·g − dβ − x̂·dγ)
/// (one pass), with g = dy·f'(y) recomputed in both.
struct LowerBatchNormActGrad : OpRewritePattern<BatchNormActGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormActGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto type = op.getInput().getType();
    ChannelMaps cm = channelMaps(rewriter, type);
    std::optional<Activation> kind = op.getActivation();
    double alpha = op.getAlpha().convertToDouble();
    auto [mean, var] = nnc::buildChannelMoments(rewriter, loc, x);
    Value invstd =
        inverseStd(rewriter, loc, var, op.getEpsilon().convertToDouble());
    // Inputs x, y (or β), dy, mean, invstd, γ in every pass: g and x̂ from
    // a[0..5]. ReLU's and leaky ReLU's f' depends only on the sign of the
    // pre-activation z = γ·x̂ + β, which is cheaper to recompute than y to
    // read: y is then not an input at all.
    bool signOnly = kind && (*kind == Activation::relu ||
                             *kind == Activation::leaky_relu);
    SmallVector<Value> in{x, signOnly ? op.getBias() : op.getOutput(),
                          op.getOutputGrad(), mean, invstd, op.getWeight()};
    SmallVector<AffineMap> maps{cm.full,    signOnly ? cm.channel : cm.full,
                                cm.full,    cm.channel,
                                cm.channel, cm.channel};
    auto g = [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
      if (!kind)
        return a[2];
      Value y = a[1];
      if (signOnly)
        y = arith::AddFOp::create( // as normalizeActivate computes it
            b, loc,
            arith::MulFOp::create(b, loc, normalized(b, loc, a[0], a[3], a[4]),
                                  a[5]),
            a[1]);
      return nnc::buildActivationGrad(b, loc, *kind, alpha, y, y, a[2]);
    };
    auto [sumG, sumGX] = channelSums2(
        rewriter, loc, in, maps, cm, type,
        [&](OpBuilder &b, Location loc, ValueRange a) -> std::pair<Value, Value> {
          Value gv = g(b, loc, a);
          Value xhat = normalized(b, loc, a[0], a[3], a[4]);
          return {gv, arith::MulFOp::create(b, loc, gv, xhat)};
        });
    Type f32 = type.getElementType();
    auto narrow = [&](Value wide) {
      return mapChannels(rewriter, loc, wide, f32,
                         [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
                           return arith::TruncFOp::create(b, loc, f32, a[0]);
                         });
    };
    Value dbeta = narrow(sumG), dgamma = narrow(sumGX);
    in.append({dbeta, dgamma});
    maps.append({cm.channel, cm.channel});
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(), f32);
    Value dx = nnc::buildGeneric(
        rewriter, loc, in, maps, empty, cm.full, cm.parallel,
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value xhat = normalized(b, loc, a[0], a[3], a[4]);
          Value m = cst(b, loc, a[0].getType(), cm.count);
          Value inner = arith::SubFOp::create(
              b, loc,
              arith::SubFOp::create(
                  b, loc, arith::MulFOp::create(b, loc, m, g(b, loc, a)), a[6]),
              arith::MulFOp::create(b, loc, xhat, a[7]));
          Value numerator = arith::MulFOp::create(b, loc, a[5], a[4]);
          Value scale = arith::DivFOp::create(b, loc, numerator, m);
          return arith::MulFOp::create(b, loc, scale, inner);
        });
    rewriter.replaceOp(op, {dx, dgamma, dbeta});
    return success();
  }
};

/// s = γ·invstd; W' = W·s per output channel; b' = (b − mean)·s + β.
struct LowerBatchNormFold : OpRewritePattern<BatchNormFoldOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormFoldOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto biasType = op.getFoldedBias().getType();
    auto read = [&](FlatSymbolRefAttr sym) {
      return ReadParamOp::create(rewriter, loc, biasType, sym).getResult();
    };
    Value gamma = read(op.getBnWeightAttr()), beta = read(op.getBnBiasAttr());
    Value mean = read(op.getRunningMeanAttr()), var = read(op.getRunningVarAttr());
    Value invstd =
        inverseStd(rewriter, loc, var, op.getEpsilon().convertToDouble());
    Value scale = nnc::buildElementwise(
        rewriter, loc, biasType, {gamma, invstd},
        [](OpBuilder &b, Location loc, ValueRange a) -> Value {
          return arith::MulFOp::create(b, loc, a[0], a[1]);
        });
    auto weightType = op.getWeight().getType();
    int64_t rank = weightType.getRank();
    Value empty = tensor::EmptyOp::create(rewriter, loc, weightType.getShape(),
                                          weightType.getElementType());
    Value weight = nnc::buildGeneric(
        rewriter, loc, {op.getWeight(), scale},
        {rewriter.getMultiDimIdentityMap(rank),
         AffineMap::get(rank, 0, rewriter.getAffineDimExpr(0),
                        rewriter.getContext())},
        empty, rewriter.getMultiDimIdentityMap(rank),
        SmallVector<IteratorType>(rank, IteratorType::parallel),
        [](OpBuilder &b, Location loc, ValueRange a) -> Value {
          return arith::MulFOp::create(b, loc, a[0], a[1]);
        });
    SmallVector<Value> in{mean, scale, beta};
    if (op.getBias())
      in.push_back(op.getBias());
    Value bias = nnc::buildElementwise(
        rewriter, loc, biasType, in,
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value centered =
              in.size() == 4
                  ? arith::SubFOp::create(b, loc, a[3], a[0]).getResult()
                  : arith::NegFOp::create(b, loc, a[0]).getResult();
          return arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, centered, a[1]), a[2]);
        });
    rewriter.replaceOp(op, {weight, bias});
    return success();
  }
};

struct LowerBiasAdd : OpRewritePattern<BiasAddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BiasAddOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getInput().getType();
    ChannelMaps cm = channelMaps(rewriter, type);
    std::optional<Activation> kind = op.getActivation();
    double alpha = op.getAlpha().convertToDouble();
    Value empty = tensor::EmptyOp::create(rewriter, op.getLoc(),
                                          type.getShape(), type.getElementType());
    rewriter.replaceOp(
        op, nnc::buildGeneric(
                rewriter, op.getLoc(), {op.getInput(), op.getBias()},
                {cm.full, cm.channel}, empty, cm.full, cm.parallel,
                [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
                  Value y = arith::AddFOp::create(b, loc, a[0], a[1]);
                  return kind ? nnc::buildActivation(b, loc, *kind, alpha, y) : y;
                }));
    return success();
  }
};
} // namespace

std::pair<Value, Value> nnc::buildChannelMoments(OpBuilder &b, Location loc,
                                                 Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  ChannelMaps cm = channelMaps(b, type);
  auto [sum, sumSq] = channelSums2(
      b, loc, x, cm.full, cm, type,
      [](OpBuilder &b, Location loc, ValueRange a) -> std::pair<Value, Value> {
        // x² in f64: var = E[x²] − mean² cancels, and the f32 square's
        // rounding (6e-8 of x²) became 6e-8·mean²/var of the variance
        // (1e-4 on a BatchNorm of 4 values per channel).
        Value x = arith::ExtFOp::create(b, loc, b.getF64Type(), a[0]);
        return {x, arith::MulFOp::create(b, loc, x, x)};
      });
  // mean = Σx/M, var = max(Σx²/M − mean², 0) in f64, then rounded.
  Type elem = type.getElementType();
  auto channels = channelType(type, elem);
  Value emptyMean = tensor::EmptyOp::create(b, loc, channels.getShape(), elem);
  Value emptyVar = tensor::EmptyOp::create(b, loc, channels.getShape(), elem);
  AffineMap id = b.getMultiDimIdentityMap(1);
  ValueRange stats = buildMultiGeneric(
      b, loc, {sum, sumSq}, {id, id, id, id}, {emptyMean, emptyVar},
      {IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
        Value m = cst(b, loc, a[0].getType(), cm.count);
        Value mean = arith::DivFOp::create(b, loc, a[0], m);
        Value meanSq = arith::DivFOp::create(b, loc, a[1], m);
        Value var = arith::MaximumFOp::create(
            b, loc,
            arith::SubFOp::create(b, loc, meanSq,
                                  arith::MulFOp::create(b, loc, mean, mean)),
            cst(b, loc, a[0].getType(), 0.0));
        return {arith::TruncFOp::create(b, loc, elem, mean),
                arith::TruncFOp::create(b, loc, elem, var)};
      });
  return {stats[0], stats[1]};
}

void nnc::populateFusedNormLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerBatchNormAct, LowerBatchNormActGrad, LowerBatchNormFold,
               LowerBiasAdd>(patterns.getContext());
}
