//===- LowerElementwise.cpp - activations and their gradients -------------===//
//
// Each activation and its gradient is one elementwise linalg.generic; the
// formulas are PyTorch's (e.g. ELU's gradient for x <= 0 is dy·(y + α)).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
/// Scalar arithmetic inside a generic body, in the body's float type.
struct Scalar {
  OpBuilder &b;
  Location loc;
  Type type;

  Value cst(double v) const { return nnc::floatConstant(b, loc, type, v); }
  Value add(Value x, Value y) const { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) const { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) const { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) const { return arith::DivFOp::create(b, loc, x, y); }
  Value positive(Value x) const {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, cst(0));
  }
  Value negative(Value x) const {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
  }
  Value select(Value c, Value x, Value y) const {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
};

/// f(x) for one activation.
Value activation(const Scalar &s, Activation kind, double alpha, Value x) {
  switch (kind) {
  case Activation::sigmoid: {
    // e = exp(-|x|) ≤ 1: 1/(1+e) for x ≥ 0, e/(1+e) below. 1/(1+exp(-x))
    // gives the same values, but exp(-x) overflows for x < -88 and its
    // derivative, which the Hessian product takes of this code, with it
    // (inf/inf: NaN).
    Value e = math::ExpOp::create(
        s.b, s.loc,
        arith::NegFOp::create(s.b, s.loc, math::AbsFOp::create(s.b, s.loc, x)));
    Value numerator = s.select(s.negative(x), e, s.cst(1));
    return s.div(numerator, s.add(s.cst(1), e));
  }
  case Activation::tanh:
    return math::TanhOp::create(s.b, s.loc, x);
  case Activation::relu:
    return arith::MaximumFOp::create(s.b, s.loc, x, s.cst(0));
  case Activation::leaky_relu:
    return s.select(s.positive(x), x, s.mul(s.cst(alpha), x));
  case Activation::elu:
    return s.select(s.positive(x), x,
                    s.mul(s.cst(alpha), math::ExpM1Op::create(s.b, s.loc, x)));
  }
  llvm_unreachable("unknown activation");
}

/// dy · f'(x), using the output y where that is cheaper.
Value activationGrad(const Scalar &s, Activation kind, double alpha, Value x,
                     Value y, Value dy) {
  switch (kind) {
  case Activation::sigmoid:
    return s.mul(dy, s.mul(y, s.sub(s.cst(1), y)));
  case Activation::tanh:
    return s.mul(dy, s.sub(s.cst(1), s.mul(y, y)));
  case Activation::relu:
    return s.select(s.positive(x), dy, s.cst(0));
  case Activation::leaky_relu:
    return s.select(s.positive(x), dy, s.mul(s.cst(alpha), dy));
  case Activation::elu:
    return s.select(s.positive(x), dy, s.mul(dy, s.add(y, s.cst(alpha))));
  }
  llvm_unreachable("unknown activation");
}

template <typename OpTy, Activation Kind>
struct LowerActivation : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    double alpha = 0.0;
    if constexpr (Kind == Activation::leaky_relu || Kind == Activation::elu)
      alpha = op.getAlpha().convertToDouble();
    auto type = op.getOutput().getType();
    rewriter.replaceOp(
        op, nnc::buildElementwise(
                rewriter, op.getLoc(), type, op->getOperand(0),
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  return activation(Scalar{b, loc, type.getElementType()},
                                    Kind, alpha, args[0]);
                }));
    return success();
  }
};

struct LowerActivationGrad : OpRewritePattern<ActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ActivationGradOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getInputGrad().getType();
    Activation kind = op.getKind();
    double alpha = op.getAlpha().convertToDouble();
    rewriter.replaceOp(
        op, nnc::buildElementwise(
                rewriter, op.getLoc(), type,
                {op.getInput(), op.getOutput(), op.getOutputGrad()},
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  return activationGrad(Scalar{b, loc, type.getElementType()},
                                        kind, alpha, args[0], args[1],
                                        args[2]);
                }));
    return success();
  }
};

struct LowerAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, nnc::buildElementwise(
                rewriter, op.getLoc(), op.getOutput().getType(),
                {op.getLhs(), op.getRhs()},
                [](OpBuilder &b, Location loc, ValueRange args) {
                  return arith::AddFOp::create(b, loc, args[0], args[1]);
                }));
    return success();
  }
};
} // namespace

Value nnc::buildActivation(OpBuilder &b, Location loc, Activation kind,
                          double alpha, Value x) {
  return activation(Scalar{b, loc, x.getType()}, kind, alpha, x);
}

Value nnc::buildActivationGrad(OpBuilder &b, Location loc, Activation kind,
                              double alpha, Value x, Value y, Value dy) {
  return activationGrad(Scalar{b, loc, x.getType()}, kind, alpha, x, y, dy);
}

void nnc::populateElementwiseLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerActivation<SigmoidOp, Activation::sigmoid>,
               LowerActivation<TanhOp, Activation::tanh>,
               LowerActivation<ReluOp, Activation::relu>,
               LowerActivation<LeakyReluOp, Activation::leaky_relu>,
               LowerActivation<EluOp, Activation::elu>, LowerActivationGrad,
               LowerAdd>(patterns.getContext());
}
