//===- TileParallelLoops.cpp - parallel loops as blocks of threads --------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXTILEPARALLELLOOPSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXTileParallelLoopsPass
    : nnc::nvptx::impl::NVPTXTileParallelLoopsPassBase<
          NVPTXTileParallelLoopsPass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

/// Tile sizes giving at most `blockSize` iterations per tile, taken from the
/// innermost dimension outwards; null when a trip count is not static.
static std::optional<SmallVector<int64_t>> getTileSizes(scf::ParallelOp loop,
                                                        int64_t blockSize) {
  std::optional<SmallVector<int64_t>> trips = nnc::nvptx::getTripCounts(loop);
  if (!trips)
    return std::nullopt;
  SmallVector<int64_t> sizes(loop.getNumLoops(), 1);
  int64_t left = blockSize;
  for (int64_t d = loop.getNumLoops() - 1; d >= 0; --d) {
    sizes[d] = std::max<int64_t>(1, std::min((*trips)[d], left));
    left /= sizes[d];
  }
  return sizes;
}

void NVPTXTileParallelLoopsPass::runOnOperation() {
  SmallVector<scf::ParallelOp> outermost;
  getOperation().walk([&](scf::ParallelOp loop) {
    if (!loop->getParentOfType<scf::ParallelOp>())
      outermost.push_back(loop);
  });
  IRRewriter rewriter(&getContext());
  for (scf::ParallelOp loop : outermost) {
    std::optional<SmallVector<int64_t>> trips = nnc::nvptx::getTripCounts(loop);
    if (trips && trips->size() > 1 && loop.getNumResults() == 0)
      loop = nnc::nvptx::linearize(rewriter, loop, *trips);
    std::optional<SmallVector<int64_t>> sizes = getTileSizes(loop, blockSize);
    if (!sizes) {
      loop.emitOpError("has a dynamic trip count, which the NVPTX backend "
                       "does not support");
      return signalPassFailure();
    }
    // Constant inner bounds and a guard: every block has the same shape.
    scf::tileParallelLoop(loop, *sizes, /*noMinMaxBounds=*/true);
  }
}
