//===- LowerVectors.cpp - n-D vector ops to 1-D vector ops ----------------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPULOWERVECTORSPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPULowerVectorsPass
    : nnc::cpu::impl::CPULowerVectorsPassBase<CPULowerVectorsPass> {
  void runOnOperation() override;
};

/// A 0-d read of a memref (a convolution's 1x1 output read per sample by
/// the Hessian product's backward pass, from a strided view, which has no
/// vector load) -> a scalar load where the read is. Upstream's scalar
/// transfer patterns load at each `vector.extract` of the read instead,
/// which reads the memory later than the program does: after a store into
/// it the value was wrong.
struct ZeroDReadToLoad : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    if (read.getVectorType().getRank() != 0 || read.getMask() ||
        !isa<MemRefType>(read.getBase().getType()))
      return failure();
    Value element = memref::LoadOp::create(rewriter, read.getLoc(),
                                           read.getBase(), read.getIndices());
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(read, read.getVectorType(),
                                                     element);
    return success();
  }
};
} // namespace

/// One stage of the lowering: `populate` adds the stage's patterns, which run
/// to a fixpoint together with the canonicalizations of the vector dialect.
/// Ops that a stage leaves behind make the conversion to LLVM fail with a
/// diagnostic naming them.
static void applyStage(Operation *root,
           llvm::function_ref<void(RewritePatternSet &)> populate) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  populate(patterns);
  vector::populateVectorToVectorCanonicalizationPatterns(patterns);
  vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
  vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsGreedily(root, std::move(patterns));
}

void CPULowerVectorsPass::runOnOperation() {
  Operation *root = getOperation();
  // Each entry is one greedy application; the order follows the producers:
  // contractions and reductions create transposes and broadcasts, transfers
  // create shape casts.
  void (*stages[])(RewritePatternSet &) = {
      [](RewritePatternSet &p) {
        vector::populateVectorContractLoweringPatterns(
            p, vector::VectorContractLowering::OuterProduct);
        vector::populateVectorMaskOpLoweringPatterns(p);
      },
      [](RewritePatternSet &p) {
        vector::populateVectorOuterProductLoweringPatterns(p);
        vector::populateVectorMultiReductionLoweringPatterns(
            p, vector::VectorMultiReductionLowering::InnerParallel);
      },
      [](RewritePatternSet &p) {
        vector::populateVectorTransferPermutationMapLoweringPatterns(p);
        vector::populateVectorTransferDropUnitDimsPatterns(p);
      },
      [](RewritePatternSet &p) {
        populateVectorToSCFConversionPatterns(
            p, VectorTransferToSCFOptions().enableFullUnroll().setTargetRank(
                   1));
        vector::populateVectorTransferLoweringPatterns(
            p, /*maxTransferRank=*/1);
        p.add<ZeroDReadToLoad>(p.getContext());
      },
      [](RewritePatternSet &p) {
        vector::populateVectorTransposeLoweringPatterns(
            p, vector::VectorTransposeLowering::Shuffle16x16);
      },
      [](RewritePatternSet &p) {
        vector::populateVectorShapeCastLoweringPatterns(p);
        vector::populateVectorBroadcastLoweringPatterns(p);
      },
  };
  for (auto stage : stages)
    applyStage(root, stage);
}
