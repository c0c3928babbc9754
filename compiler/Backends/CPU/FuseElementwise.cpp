//===- FuseElementwise.cpp - elementwise fusion that spares matmuls -------===//
//
// Upstream's linalg-fuse-elementwise-ops with one difference: contractions
// neither absorb producers nor take part in reshape propagation. A
// convolution lowered as im2col + matmul would otherwise fuse back into one
// 7-loop generic, which is no matmul to the register tiling and runs as
// scalar loops, and a matmul expanded by a reshape becomes a generic that
// no longer maps to the tuned 3-loop path.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUFUSEELEMENTWISEPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUFuseElementwisePass
    : nnc::cpu::impl::CPUFuseElementwisePassBase<CPUFuseElementwisePass> {
  void runOnOperation() override;
};
} // namespace

/// Contractions and stencils (direct convolutions), which the register
/// tiling recognizes by their indexing maps: a fused producer (the weight
/// in the layout that the stencil reads) would change them.
static bool isContraction(Operation *op) {
  auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(op);
  return linalgOp && (linalg::isaContractionOpInterface(linalgOp) ||
                      nnc::cpu::getStencilLoops(linalgOp));
}

/// Fuses a producer with one use into its consumer unless either side is a
/// contraction or stencil.
static bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse() && !isContraction(producer) &&
         !isContraction(fused->getOwner());
}

void CPUFuseElementwisePass::runOnOperation() {
  MLIRContext *ctx = &getContext();
  RewritePatternSet patterns(ctx);
  linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
  linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFuse);
  tensor::populateBubbleUpExpandShapePatterns(patterns);
  affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
  ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
      patterns);
  linalg::populateConstantFoldLinalgOperations(patterns, shouldFuse);
  (void)applyPatternsGreedily(getOperation(), std::move(patterns),
                              GreedyRewriteConfig().setUseTopDownTraversal());
}
