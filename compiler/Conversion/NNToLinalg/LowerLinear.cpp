//===- LowerLinear.cpp - nn.dense and nn.matmul to linalg.matmul ----------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
struct LowerDense : OpRewritePattern<DenseOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DenseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = op.getOutput().getType();
    auto inType = op.getInput().getType();
    Type elem = outType.getElementType();
    auto weightType = RankedTensorType::get(
        {outType.getDimSize(1), inType.getDimSize(1)}, elem);
    Value weight = op.getWeightValue();
    if (!weight)
      weight = ReadParamOp::create(rewriter, loc, weightType, op.getWeightAttr());
    // The bias initializes the accumulator, so it costs no extra pass.
    Value init;
    if (auto biasSym = op.getBiasAttr()) {
      auto biasType = RankedTensorType::get({outType.getDimSize(1)}, elem);
      Value bias = ReadParamOp::create(rewriter, loc, biasType, biasSym);
      Value empty = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                            elem);
      MLIRContext *ctx = rewriter.getContext();
      init = nnc::buildGeneric(
          rewriter, loc, bias,
          AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx), empty,
          rewriter.getMultiDimIdentityMap(2),
          {utils::IteratorType::parallel, utils::IteratorType::parallel},
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    } else {
      init = nnc::filledTensor(rewriter, loc, outType, 0.0);
    }
    rewriter.replaceOp(op, nnc::buildMatmul(rewriter, loc, op.getInput(), weight,
                                       false, /*transposeRhs=*/true, init));
    return success();
  }
};

struct LowerMatmul : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Value init = nnc::filledTensor(rewriter, op.getLoc(),
                                   op.getResult().getType(), 0.0);
    rewriter.replaceOp(op, nnc::buildMatmul(rewriter, op.getLoc(), op.getLhs(),
                                       op.getRhs(), op.getTransposeLhs(),
                                       op.getTransposeRhs(), init));
    return success();
  }
};
} // namespace

void nnc::populateLinearLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerDense, LowerMatmul>(patterns.getContext());
}
