//===- TileParallelLoops.cpp - parallel loops as blocks of threads --------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

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
  SmallVector<int64_t> sizes(loop.getNumLoops(), 1);
  int64_t left = blockSize;
  for (int64_t d = loop.getNumLoops() - 1; d >= 0; --d) {
    std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound()[d]);
    std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound()[d]);
    std::optional<int64_t> step = getConstantIntValue(loop.getStep()[d]);
    if (!lower || !upper || !step || *step <= 0)
      return std::nullopt;
    int64_t trips = llvm::divideCeil(*upper - *lower, *step);
    sizes[d] = std::max<int64_t>(1, std::min(trips, left));
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
  for (scf::ParallelOp loop : outermost) {
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
