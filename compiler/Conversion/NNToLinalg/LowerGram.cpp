//===- LowerGram.cpp - nn.gram to a matrix product ------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
/// U Uᵀ as one matmul with a transposed right operand. The parameter's type
/// comes from the state layout: the model, and with it the symbol table,
/// is gone by the time the ops are lowered.
struct LowerGram : OpRewritePattern<GramOp> {
  LowerGram(MLIRContext *ctx, const nnc::StateLayout &layout)
      : OpRewritePattern(ctx), layout(layout) {}

  LogicalResult matchAndRewrite(GramOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto it = layout.slots.find(op.getParamAttr().getAttr());
    if (it == layout.slots.end())
      return rewriter.notifyMatchFailure(op, "unknown parameter");
    Value u = ReadParamOp::create(rewriter, loc, it->second.type,
                                  op.getParamAttr());
    Value init =
        nnc::filledTensor(rewriter, loc, op.getOutput().getType(), 0.0);
    rewriter.replaceOp(op, nnc::buildMatmul(rewriter, loc, u, u, false,
                                            /*transposeRhs=*/true, init));
    return success();
  }

  const nnc::StateLayout &layout;
};
} // namespace

void nnc::populateGramLoweringPatterns(RewritePatternSet &patterns,
                                       const StateLayout &layout) {
  patterns.add<LowerGram>(patterns.getContext(), layout);
}
