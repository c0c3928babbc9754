//===- LowerWeightNorm.cpp - nn.weight_norm and its gradient to linalg ----===//
//
// w[o] = g[o] · v[o] / ‖v[o]‖ with o the first dimension: each output
// unit's norm is a sum over the other dimensions (accumulated in f64), then
// every element is scaled by its unit's factor through a broadcast map.
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

/// The maps of a weight [out, ...] and of its per-unit vector [out].
struct UnitMaps {
  AffineMap full, unit;
  SmallVector<IteratorType> parallel, reduce;
  RankedTensorType unitType;
};

UnitMaps unitMaps(OpBuilder &b, RankedTensorType type) {
  int64_t rank = type.getRank();
  UnitMaps m{b.getMultiDimIdentityMap(rank),
             AffineMap::get(rank, 0, {b.getAffineDimExpr(0)}, b.getContext()),
             SmallVector<IteratorType>(rank, IteratorType::parallel),
             SmallVector<IteratorType>(rank, IteratorType::reduction),
             RankedTensorType::get({type.getDimSize(0)}, type.getElementType())};
  m.reduce[0] = IteratorType::parallel;
  return m;
}

/// ‖v[o]‖ per output unit.
Value unitNorms(OpBuilder &b, Location loc, Value v, const UnitMaps &m) {
  Value squares = nnc::buildSum(b, loc, v, m.full, m.unitType, m.unit, m.reduce,
                                [](OpBuilder &b, Location loc, ValueRange a) {
                                  return arith::MulFOp::create(b, loc, a[0], a[0]);
                                });
  return nnc::buildElementwise(b, loc, m.unitType, squares,
                               [](OpBuilder &b, Location loc, ValueRange a) {
                                 return math::SqrtOp::create(b, loc, a[0]);
                               });
}

/// A new tensor like `like` from `inputs` under `maps`, elementwise.
Value mapWeight(OpBuilder &b, Location loc, Value like, ValueRange inputs,
                ArrayRef<AffineMap> maps, const UnitMaps &m,
                nnc::BodyBuilder body) {
  auto type = cast<RankedTensorType>(like.getType());
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  return nnc::buildGeneric(b, loc, inputs, maps, empty, m.full, m.parallel,
                           body);
}

struct LowerWeightNorm : OpRewritePattern<WeightNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WeightNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto vType = op.getWeight().getType();
    UnitMaps m = unitMaps(rewriter, vType);
    Value v = ReadParamOp::create(rewriter, loc, vType, op.getWeightVAttr());
    Value g = nnc::buildReshape(
        rewriter, loc,
        ReadParamOp::create(rewriter, loc, op.getNormType(), op.getWeightGAttr()),
        m.unitType);
    // v · (g / ‖v‖), PyTorch's order of operations.
    Value scale = nnc::buildElementwise(
        rewriter, loc, m.unitType, {g, unitNorms(rewriter, loc, v, m)},
        [](OpBuilder &b, Location loc, ValueRange a) {
          return arith::DivFOp::create(b, loc, a[0], a[1]);
        });
    rewriter.replaceOp(
        op, mapWeight(rewriter, loc, v, {v, scale}, {m.full, m.unit}, m,
                      [](OpBuilder &b, Location loc, ValueRange a) {
                        return arith::MulFOp::create(b, loc, a[0], a[1]);
                      }));
    return success();
  }
};

struct LowerWeightNormGrad : OpRewritePattern<WeightNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WeightNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value v = op.getWeightV(), dw = op.getWeightGrad();
    UnitMaps m = unitMaps(rewriter, cast<RankedTensorType>(v.getType()));
    Value g = nnc::buildReshape(rewriter, loc, op.getWeightG(), m.unitType);
    Value norms = unitNorms(rewriter, loc, v, m);
    // dg = Σ dW·v / ‖v‖
    Value dot = nnc::buildSum(rewriter, loc, {dw, v}, {m.full, m.full},
                              m.unitType, m.unit, m.reduce,
                              [](OpBuilder &b, Location loc, ValueRange a) {
                                return arith::MulFOp::create(b, loc, a[0], a[1]);
                              });
    Value dg = nnc::buildElementwise(
        rewriter, loc, m.unitType, {dot, norms},
        [](OpBuilder &b, Location loc, ValueRange a) {
          return arith::DivFOp::create(b, loc, a[0], a[1]);
        });
    // dv = g/‖v‖ · (dW − dg·v/‖v‖)
    Value dv = mapWeight(
        rewriter, loc, v, {dw, v, g, norms, dg},
        {m.full, m.full, m.unit, m.unit, m.unit}, m,
        [](OpBuilder &b, Location loc, ValueRange a) {
          Value along = arith::DivFOp::create(
              b, loc, arith::MulFOp::create(b, loc, a[4], a[1]), a[3]);
          Value scale = arith::DivFOp::create(b, loc, a[2], a[3]);
          return arith::MulFOp::create(
              b, loc, scale, arith::SubFOp::create(b, loc, a[0], along));
        });
    rewriter.replaceOp(op, {nnc::buildReshape(rewriter, loc, dg,
                                              op.getWeightG().getType()),
                            dv});
    return success();
  }
};
} // namespace

void nnc::populateWeightNormLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerWeightNorm, LowerWeightNormGrad>(patterns.getContext());
}
