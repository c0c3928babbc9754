//===- PromoteAccumulators.cpp - reduction accumulators in registers ------===//

#include "compiler/Backends/NVPTX/Passes.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXPROMOTEACCUMULATORSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXPromoteAccumulatorsPass
    : nnc::nvptx::impl::NVPTXPromoteAccumulatorsPassBase<
          NVPTXPromoteAccumulatorsPass> {
  void runOnOperation() override;
};

/// A load and a later store of the same loop-invariant element in the body
/// of a loop that touches that buffer nowhere else.
struct Accumulator {
  memref::LoadOp load;
  memref::StoreOp store;
};
} // namespace

static bool isInvariant(scf::ForOp loop, ValueRange values) {
  return llvm::all_of(
      values, [&](Value v) { return loop.isDefinedOutsideOfLoop(v); });
}

/// Number of operations inside `loop` (at any depth) that use `buffer`.
static int64_t countUses(scf::ForOp loop, Value buffer) {
  return llvm::count_if(buffer.getUsers(), [&](Operation *user) {
    return loop->isProperAncestor(user);
  });
}

static std::optional<Accumulator> findAccumulator(scf::ForOp loop) {
  Block *body = loop.getBody();
  for (auto load : body->getOps<memref::LoadOp>()) {
    Value buffer = load.getMemRef();
    if (!isInvariant(loop, buffer) || !isInvariant(loop, load.getIndices()) ||
        countUses(loop, buffer) != 2)
      continue;
    for (Operation *op = load->getNextNode(); op; op = op->getNextNode()) {
      auto store = dyn_cast<memref::StoreOp>(op);
      if (store && store.getMemRef() == buffer &&
          llvm::equal(store.getIndices(), load.getIndices()))
        return Accumulator{load, store};
    }
  }
  return std::nullopt;
}

/// Loads the element before the loop, carries it as an iter_arg, stores it
/// after: `load; scf.for { ...; store }` round trips through global memory
/// become register arithmetic.
static scf::ForOp promote(RewriterBase &rewriter, scf::ForOp loop,
                          Accumulator accumulator) {
  rewriter.setInsertionPoint(loop);
  Value init = memref::LoadOp::create(rewriter, accumulator.load.getLoc(),
                                      accumulator.load.getMemRef(),
                                      accumulator.load.getIndices());
  Value stored = accumulator.store.getValueToStore();
  auto promoted = cast<scf::ForOp>(
      *loop.replaceWithAdditionalYields(
          rewriter, init, /*replaceInitOperandUsesInLoop=*/false,
          [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
            return SmallVector<Value>{stored};
          }));
  rewriter.replaceOp(accumulator.load, promoted.getRegionIterArgs().back());
  rewriter.setInsertionPointAfter(promoted);
  memref::StoreOp::create(rewriter, accumulator.store.getLoc(),
                          promoted.getResults().back(),
                          accumulator.store.getMemRef(),
                          accumulator.store.getIndices());
  rewriter.eraseOp(accumulator.store);
  return promoted;
}

void NVPTXPromoteAccumulatorsPass::runOnOperation() {
  IRRewriter rewriter(&getContext());
  // Inner loops first: their promoted load and store then sit in the body
  // of the loop around them, which promotes them again.
  SmallVector<scf::ForOp> loops;
  getOperation().walk<WalkOrder::PostOrder>(
      [&](scf::ForOp loop) {
        // Kernels of nnc-nvptx-tile-matmuls keep their sums in registers.
        if (!loop->getParentOfType<gpu::LaunchOp>())
          loops.push_back(loop);
      });
  for (scf::ForOp loop : loops)
    while (std::optional<Accumulator> accumulator = findAccumulator(loop))
      loop = promote(rewriter, loop, *accumulator);
}
