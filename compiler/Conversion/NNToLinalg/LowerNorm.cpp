//===- LowerNorm.cpp - normalization layers and their gradients to linalg -===//
//
// BatchNorm takes statistics per channel (dimension 1) over every other
// dimension; LayerNorm, GroupNorm and InstanceNorm per (row, group) of their
// [rows, groups, channels, elements] view (NormView), a reshape of their
// input. Both kinds share the code below, parameterized by which dimensions
// index the statistics and which the affine parameters. Statistics take two
// passes (mean, then the mean of squared deviations) for accuracy, as
// PyTorch's CPU kernels do, and accumulate in f64.
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

/// The linalg.generic maps of a normalization: the input (identity), its
/// statistics and its affine parameters (projections onto the dimensions
/// that index them), with the iterators that reduce into each.
struct NormMaps {
  AffineMap full, stats, param;
  SmallVector<IteratorType> parallel, statsReduce, paramReduce;
  RankedTensorType statsType, paramType;
};

/// Projection of `type` onto its dimensions `kept`, with the iterators that
/// reduce over the others.
std::tuple<AffineMap, SmallVector<IteratorType>, RankedTensorType>
projection(OpBuilder &b, RankedTensorType type, ArrayRef<int64_t> kept) {
  SmallVector<AffineExpr> exprs;
  SmallVector<int64_t> shape;
  SmallVector<IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    bool isKept = llvm::is_contained(kept, i);
    iterators.push_back(isKept ? IteratorType::parallel
                               : IteratorType::reduction);
    if (isKept) {
      exprs.push_back(b.getAffineDimExpr(i));
      shape.push_back(type.getDimSize(i));
    }
  }
  return {AffineMap::get(type.getRank(), 0, exprs, b.getContext()), iterators,
          RankedTensorType::get(shape, type.getElementType())};
}

NormMaps normMaps(OpBuilder &b, RankedTensorType type,
                  ArrayRef<int64_t> statsDims, ArrayRef<int64_t> paramDims) {
  NormMaps maps;
  maps.full = b.getMultiDimIdentityMap(type.getRank());
  maps.parallel.assign(type.getRank(), IteratorType::parallel);
  std::tie(maps.stats, maps.statsReduce, maps.statsType) =
      projection(b, type, statsDims);
  std::tie(maps.param, maps.paramReduce, maps.paramType) =
      projection(b, type, paramDims);
  return maps;
}

/// BatchNorm: statistics and parameters per channel.
NormMaps channelMaps(OpBuilder &b, RankedTensorType type) {
  return normMaps(b, type, {1}, {1});
}

/// The NormView [rows, groups, channels, elements]: statistics per (row,
/// group), parameters per (group, channel).
NormMaps viewMaps(OpBuilder &b, RankedTensorType type) {
  return normMaps(b, type, {0, 1}, {1, 2});
}

/// Σ body(inputs...) per statistic.
Value statsSum(OpBuilder &b, Location loc, ValueRange inputs,
               ArrayRef<AffineMap> maps, const NormMaps &nm,
               nnc::BodyBuilder body) {
  return nnc::buildSum(b, loc, inputs, maps, nm.statsType, nm.stats,
                       nm.statsReduce, body);
}

/// Σ body(inputs...) per affine parameter.
Value paramSum(OpBuilder &b, Location loc, ValueRange inputs,
               ArrayRef<AffineMap> maps, const NormMaps &nm,
               nnc::BodyBuilder body) {
  return nnc::buildSum(b, loc, inputs, maps, nm.paramType, nm.param,
                       nm.paramReduce, body);
}

/// Elementwise function of same-shaped small tensors (statistics).
Value mapStats(OpBuilder &b, Location loc, ValueRange inputs,
               nnc::BodyBuilder body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  return nnc::buildElementwise(b, loc, type, inputs, body);
}

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return nnc::floatConstant(b, loc, like.getType(), v);
}

Value identity(OpBuilder &, Location, ValueRange a) { return a[0]; }

/// Elements that one statistic covers.
double statsCount(Value x, const NormMaps &nm) {
  auto type = cast<RankedTensorType>(x.getType());
  return double(type.getNumElements() / nm.statsType.getNumElements());
}

/// Mean and biased variance of `x` per statistic.
std::pair<Value, Value> statistics(OpBuilder &b, Location loc, Value x,
                                   const NormMaps &nm) {
  double count = statsCount(x, nm);
  auto scaleBy = [&](Value sum) {
    return mapStats(b, loc, sum, [&](OpBuilder &b, Location loc, ValueRange a) {
      return arith::DivFOp::create(b, loc, a[0], cst(b, loc, a[0], count));
    });
  };
  Value mean = scaleBy(statsSum(b, loc, x, nm.full, nm, identity));
  Value var = scaleBy(statsSum(
      b, loc, {x, mean}, {nm.full, nm.stats}, nm,
      [](OpBuilder &b, Location loc, ValueRange a) {
        Value d = arith::SubFOp::create(b, loc, a[0], a[1]);
        return arith::MulFOp::create(b, loc, d, d);
      }));
  return {mean, var};
}

/// 1 / sqrt(var + eps), per statistic.
Value inverseStd(OpBuilder &b, Location loc, Value var, double eps) {
  return mapStats(b, loc, var, [&](OpBuilder &b, Location loc, ValueRange a) {
    Value shifted = arith::AddFOp::create(b, loc, a[0], cst(b, loc, a[0], eps));
    return math::RsqrtOp::create(b, loc, shifted);
  });
}

/// x̂ = (x − mean)·invstd inside a generic body.
Value normalized(OpBuilder &b, Location loc, Value x, Value mean,
                 Value invstd) {
  return arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, x, mean),
                               invstd);
}

/// x̂·γ + β, or x̂ without γ and β.
Value normalize(OpBuilder &b, Location loc, Value x, Value mean, Value invstd,
                Value gamma, Value beta, const NormMaps &nm) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<Value> inputs{x, mean, invstd};
  SmallVector<AffineMap> maps{nm.full, nm.stats, nm.stats};
  if (gamma) {
    inputs.append({gamma, beta});
    maps.append({nm.param, nm.param});
  }
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  return nnc::buildGeneric(
      b, loc, inputs, maps, empty, nm.full, nm.parallel,
      [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value xhat = normalized(b, loc, a[0], a[1], a[2]);
        if (!gamma)
          return xhat;
        return arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, xhat, a[3]), a[4]);
      });
}

/// Forward: statistics of `x`, then normalize.
Value buildNorm(OpBuilder &b, Location loc, Value x, Value gamma, Value beta,
                double eps, const NormMaps &nm) {
  auto [mean, var] = statistics(b, loc, x, nm);
  return normalize(b, loc, x, mean, inverseStd(b, loc, var, eps), gamma, beta,
                   nm);
}

/// Backward of y = γ·x̂ + β (γ optional) through the statistics. With M the
/// elements per statistic and g = γ·dy: dβ = Σ dy, dγ = Σ dy·x̂ per
/// parameter, dx = invstd/M · (M·g − Σ g − x̂·Σ g·x̂) per statistic. When
/// parameters and statistics share their index (BatchNorm), Σ g = γ·dβ and
/// Σ g·x̂ = γ·dγ: γ moves out of the sums and they are not taken twice.
std::array<Value, 3> buildNormGrad(OpBuilder &b, Location loc, Value x,
                                   Value dy, Value gamma, double eps,
                                   const NormMaps &nm) {
  double count = statsCount(x, nm);
  auto [mean, var] = statistics(b, loc, x, nm);
  Value invstd = inverseStd(b, loc, var, eps);
  Value dbeta = paramSum(b, loc, dy, nm.full, nm, identity);
  Value dgamma = paramSum(b, loc, {x, dy, mean, invstd},
                          {nm.full, nm.full, nm.stats, nm.stats}, nm,
                          [](OpBuilder &b, Location loc, ValueRange a) {
                            return arith::MulFOp::create(
                                b, loc, a[1], normalized(b, loc, a[0], a[2], a[3]));
                          });
  bool gammaOutside = gamma && nm.stats == nm.param;
  Value sumG = dbeta, sumGX = dgamma;
  if (!gammaOutside) {
    // g = γ·dy per element; without γ, g = dy.
    SmallVector<Value> in{x, dy, mean, invstd};
    SmallVector<AffineMap> maps{nm.full, nm.full, nm.stats, nm.stats};
    if (gamma) {
      in.push_back(gamma);
      maps.push_back(nm.param);
    }
    auto g = [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
      return gamma ? arith::MulFOp::create(b, loc, a[1], a[4]).getResult()
                   : a[1];
    };
    sumG = statsSum(b, loc, in, maps, nm, g);
    sumGX = statsSum(b, loc, in, maps, nm,
                     [&](OpBuilder &b, Location loc, ValueRange a) {
                       return arith::MulFOp::create(
                           b, loc, g(b, loc, a),
                           normalized(b, loc, a[0], a[2], a[3]));
                     });
  }
  SmallVector<Value> in{x, dy, mean, invstd, sumG, sumGX};
  SmallVector<AffineMap> maps{nm.full,  nm.full,
                              nm.stats, nm.stats,
                              gammaOutside ? nm.param : nm.stats,
                              gammaOutside ? nm.param : nm.stats};
  if (gamma) {
    in.push_back(gamma);
    maps.push_back(nm.param);
  }
  auto type = cast<RankedTensorType>(x.getType());
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  Value dx = nnc::buildGeneric(
      b, loc, in, maps, empty, nm.full, nm.parallel,
      [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value xhat = normalized(b, loc, a[0], a[2], a[3]);
        Value m = cst(b, loc, a[0], count);
        Value g = gamma && !gammaOutside ? arith::MulFOp::create(b, loc, a[1], a[6])
                                         : a[1];
        Value inner = arith::SubFOp::create(
            b, loc,
            arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, m, g),
                                  a[4]),
            arith::MulFOp::create(b, loc, xhat, a[5]));
        Value numerator =
            gammaOutside ? arith::MulFOp::create(b, loc, a[6], a[3]) : a[3];
        Value scale = arith::DivFOp::create(b, loc, numerator, m);
        return arith::MulFOp::create(b, loc, scale, inner);
      });
  return {dx, dgamma, dbeta};
}

Value readChannelParam(OpBuilder &b, Location loc, RankedTensorType type,
                       FlatSymbolRefAttr sym) {
  auto channelType =
      RankedTensorType::get({type.getDimSize(1)}, type.getElementType());
  return ReadParamOp::create(b, loc, channelType, sym);
}

struct LowerBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    double eps = op.getEpsilon().convertToDouble();
    NormMaps nm = channelMaps(rewriter, type);
    Value gamma = readChannelParam(rewriter, loc, type, op.getWeightAttr());
    Value beta = readChannelParam(rewriter, loc, type, op.getBiasAttr());
    Value y;
    if (op.getTraining()) {
      y = buildNorm(rewriter, loc, op.getInput(), gamma, beta, eps, nm);
    } else {
      Value mean = readChannelParam(rewriter, loc, type, op.getRunningMeanAttr());
      Value var = readChannelParam(rewriter, loc, type, op.getRunningVarAttr());
      y = normalize(rewriter, loc, op.getInput(), mean,
                    inverseStd(rewriter, loc, var, eps), gamma, beta, nm);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// nn.batch_norm_grad and nn.sample_norm_grad: one rule under their maps.
template <typename GradOp, NormMaps (*maps)(OpBuilder &, RankedTensorType)>
struct LowerNormGrad : OpRewritePattern<GradOp> {
  using OpRewritePattern<GradOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(GradOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    auto [dx, dgamma, dbeta] = buildNormGrad(
        rewriter, op.getLoc(), op.getInput(), op.getOutputGrad(),
        op.getWeight(), op.getEpsilon().convertToDouble(),
        maps(rewriter, type));
    rewriter.replaceOp(op, {dx, dgamma, dbeta});
    return success();
  }
};

/// LayerNorm, GroupNorm and InstanceNorm: normalize the NormView of the
/// input. The model is gone by the time patterns run: the weight's type
/// (LayerNorm's normalized shape) comes from the state layout.
template <typename OpTy>
struct LowerSampleNorm : OpRewritePattern<OpTy> {
  LowerSampleNorm(MLIRContext *ctx, const nnc::StateLayout &layout)
      : OpRewritePattern<OpTy>(ctx), layout(layout) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    FlatSymbolRefAttr weight = op.getWeightAttr();
    RankedTensorType weightType;
    if (weight) {
      auto slot = layout.slots.find(weight.getAttr());
      if (slot == layout.slots.end())
        return rewriter.notifyMatchFailure(op, "weight not in the state");
      weightType = slot->second.type;
    }
    NormView view = op.getNormView(weightType);
    auto paramType = view.getParamType(ctx);
    auto readParam = [&](FlatSymbolRefAttr sym) {
      return nnc::buildReshape(
          rewriter, loc, ReadParamOp::create(rewriter, loc, weightType, sym),
          paramType);
    };
    Value gamma, beta;
    if (weight) {
      gamma = readParam(weight);
      beta = readParam(op.getBiasAttr());
    }
    Value x = nnc::buildReshape(rewriter, loc, op.getInput(),
                                view.getInputType(ctx));
    Value y = buildNorm(rewriter, loc, x, gamma, beta,
                        op.getEpsilon().convertToDouble(),
                        viewMaps(rewriter, view.getInputType(ctx)));
    rewriter.replaceOp(
        op, nnc::buildReshape(rewriter, loc, y, op.getInput().getType()));
    return success();
  }

private:
  const nnc::StateLayout &layout;
};

} // namespace

std::pair<Value, Value> nnc::buildChannelStatistics(OpBuilder &b, Location loc,
                                                    Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  return statistics(b, loc, x, channelMaps(b, type));
}

void nnc::populateNormLoweringPatterns(RewritePatternSet &patterns,
                                       const StateLayout &layout) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerBatchNorm, LowerNormGrad<BatchNormGradOp, channelMaps>,
               LowerNormGrad<SampleNormGradOp, viewMaps>>(ctx);
  patterns.add<LowerSampleNorm<LayerNormOp>, LowerSampleNorm<GroupNormOp>,
               LowerSampleNorm<InstanceNormOp>>(ctx, layout);
}
