//===- LowerShape.cpp - flatten, reshape and reductions -------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
/// Reassociation that groups all dimensions [from, rank) into one.
SmallVector<ReassociationIndices> collapseFrom(int64_t from, int64_t rank) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < from; ++i)
    groups.push_back({i});
  groups.emplace_back(llvm::to_vector(llvm::seq<int64_t>(from, rank)));
  return groups;
}

/// Row-major reshape as views: collapse to 1-D, then expand to the target.
Value reshape(OpBuilder &b, Location loc, Value input,
              RankedTensorType target) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type == target)
    return input;
  Value flat = input;
  if (type.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(b, loc, input,
                                           collapseFrom(0, type.getRank()));
  if (target.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, target, flat,
                                       collapseFrom(0, target.getRank()));
}

struct LowerFlatten : OpRewritePattern<FlattenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FlattenOp op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = op.getInput().getType().getRank();
    if (rank == 2)
      rewriter.replaceOp(op, op.getInput());
    else
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, op.getInput(), collapseFrom(1, rank));
    return success();
  }
};

struct LowerReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshape(rewriter, op.getLoc(), op.getInput(),
                                   op.getOutput().getType()));
    return success();
  }
};

struct LowerReduceSum : OpRewritePattern<ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceSumOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, nnc::buildDimSum(rewriter, op.getLoc(), op.getInput(), op.getDims(),
                             [](OpBuilder &, Location, ValueRange args) {
                               return args[0];
                             }));
    return success();
  }
};
} // namespace

Value nnc::buildReshape(OpBuilder &b, Location loc, Value input,
                        RankedTensorType target) {
  return reshape(b, loc, input, target);
}

void nnc::populateShapeLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerFlatten, LowerReshape, LowerReduceSum>(
      patterns.getContext());
}
