//===- TransposeRHS.cpp - A·Bᵀ matmuls into transpose + A·B ---------------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUTRANSPOSERHSPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
/// Rewrites a `linalg.matmul` whose right operand is indexed `(n, k)` to read
/// an explicitly transposed copy indexed `(k, n)`; the left operand keeps its
/// layout (plain or transposed, both vectorize well).
struct TransposeMatmulRHS : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(maps);
    if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
        dims->k.size() != 1 || !dims->batch.empty())
      return failure();
    MLIRContext *ctx = op.getContext();
    AffineExpr n = getAffineDimExpr(dims->n[0], ctx);
    AffineExpr k = getAffineDimExpr(dims->k[0], ctx);
    unsigned numDims = maps[1].getNumDims();
    if (maps[1] != AffineMap::get(numDims, 0, {n, k}, ctx))
      return failure();

    Value rhs = op.getDpsInputOperand(1)->get();
    auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
    if (!rhsType || !rhsType.hasStaticShape())
      return failure();
    Location loc = op.getLoc();
    auto init = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<int64_t>{rhsType.getDimSize(1), rhsType.getDimSize(0)},
        rhsType.getElementType());
    auto transposed = linalg::TransposeOp::create(
        rewriter, loc, rhs, init, ArrayRef<int64_t>{1, 0});
    maps[1] = AffineMap::get(numDims, 0, {k, n}, ctx);
    rewriter.modifyOpInPlace(op, [&] {
      op->setOperand(1, transposed->getResult(0));
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

struct CPUTransposeRHSPass
    : nnc::cpu::impl::CPUTransposeRHSPassBase<CPUTransposeRHSPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TransposeMatmulRHS>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
