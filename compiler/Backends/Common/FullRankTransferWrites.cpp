//===- FullRankTransferWrites.cpp - writes that bufferize correctly -------===//
//
// One-Shot Bufferize asks each `vector.transfer_write` on a tensor whether
// it reads its destination, i.e. whether the write leaves some of it as it
// was. MLIR 22 answers by zipping the tensor's shape with the vector's: a
// vector<16xf64> written at [0, 0] into a tensor<1x25xf64> compares 1 with
// 16 and stops, so the write counts as covering the whole tensor. The
// analysis then lets it overwrite, in place, a buffer whose other 9
// elements a later read expects unchanged: peeled reductions (16 lanes,
// then 9) whose two passes start from one zero-filled tensor read the
// first pass's sums in the second (GroupNorm's variance on a batch of 1
// was wrong or NaN). Written with unit dimensions in front, at full rank,
// the same write is compared dimension by dimension.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backends/Common/Passes.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc {
#define GEN_PASS_DEF_FULLRANKTRANSFERWRITESPASS
#include "compiler/Backends/Common/Passes.h.inc"
} // namespace nnc

using namespace mlir;

namespace {
/// transfer_write of a vector of lower rank than its tensor -> the vector
/// with leading unit dimensions, which map to the tensor's dimensions that
/// the old permutation map left out.
struct WriteAtFullRank : OpRewritePattern<vector::TransferWriteOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferWriteOp write,
                                PatternRewriter &rewriter) const override {
    auto tensor = dyn_cast<RankedTensorType>(write.getShapedType());
    VectorType vector = write.getVectorType();
    if (!tensor || write.getMask() ||
        vector.getRank() >= tensor.getRank() || vector.isScalable())
      return failure();
    AffineMap map = write.getPermutationMap();
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return failure();
    int64_t missing = tensor.getRank() - vector.getRank();
    SmallVector<AffineExpr> results;
    for (unsigned dim = 0; dim < map.getNumDims(); ++dim)
      if (!map.isFunctionOfDim(dim))
        results.push_back(rewriter.getAffineDimExpr(dim));
    llvm::append_range(results, map.getResults());
    SmallVector<int64_t> shape(missing, 1);
    llvm::append_range(shape, vector.getShape());
    SmallVector<bool> inBounds(missing, true);
    llvm::append_range(inBounds, write.getInBoundsValues());
    Value widened = vector::ShapeCastOp::create(
        rewriter, write.getLoc(),
        VectorType::get(shape, vector.getElementType()), write.getVector());
    rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
        write, widened, write.getBase(), write.getIndices(),
        AffineMapAttr::get(AffineMap::get(map.getNumDims(), 0, results,
                                          rewriter.getContext())),
        rewriter.getBoolArrayAttr(inBounds));
    return success();
  }
};

struct FullRankTransferWritesPass
    : nnc::impl::FullRankTransferWritesPassBase<FullRankTransferWritesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WriteAtFullRank>(&getContext());
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};
} // namespace
