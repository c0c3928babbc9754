//===- RegisterTile.cpp - several outputs per thread for reductions -------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXREGISTERTILEPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXRegisterTilePass
    : nnc::nvptx::impl::NVPTXRegisterTilePassBase<NVPTXRegisterTilePass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

/// Whether the body of `loop` (directly) holds a reduction loop of at least
/// `minTrips` iterations.
static bool hasLongReduction(scf::ParallelOp loop, int64_t minTrips) {
  return llvm::any_of(loop.getBody()->getOps<scf::ForOp>(), [&](auto inner) {
    std::optional<int64_t> trips = nnc::nvptx::getTripCount(inner);
    return inner.getNumRegionIterArgs() > 0 && trips && *trips >= minTrips;
  });
}

/// Whether every loop nested in `loop` has bounds defined outside it, which
/// unroll-and-jam requires.
static bool hasInvariantInnerBounds(scf::ParallelOp loop) {
  WalkResult walk = loop.getBody()->walk([&](scf::ForOp inner) {
    for (Value bound :
         {inner.getLowerBound(), inner.getUpperBound(), inner.getStep()})
      if (loop->isAncestor(bound.getParentRegion()->getParentOp()))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

/// Makes each thread of `loop` compute `factor` consecutive elements of its
/// outermost dimension: the dimension steps by `factor`, an inner loop of
/// `factor` iterations runs the old body, and unroll-and-jam fuses the
/// copies of the reduction loop, so that operands not depending on that
/// dimension (the other matrix of a matmul, a convolution's weights) are
/// loaded once per `factor` multiply-adds.
static LogicalResult registerTile(scf::ParallelOp loop, int64_t factor) {
  OpBuilder b(loop.getContext());
  Location loc = loop.getLoc();
  b.setInsertionPoint(loop);
  Value step = arith::ConstantIndexOp::create(b, loc, factor);
  loop.getStepMutable()[0].set(step);

  Block *body = loop.getBody();
  Value outer = loop.getInductionVars()[0];
  b.setInsertionPointToStart(body);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto rows = scf::ForOp::create(b, loc, zero, step, one);
  Block *rowBody = rows.getBody();
  // The old body (but the constants above and the terminators) into the
  // row loop, its index now outer + r.
  SmallVector<Operation *> moved;
  for (Operation &op : *body)
    if (&op != rows && &op != zero.getDefiningOp() &&
        &op != one.getDefiningOp() && !isa<scf::ReduceOp>(op))
      moved.push_back(&op);
  for (Operation *op : moved)
    op->moveBefore(rowBody->getTerminator());
  b.setInsertionPointToStart(rowBody);
  Value row = arith::AddIOp::create(b, loc, outer, rows.getInductionVar());
  outer.replaceUsesWithIf(row, [&](OpOperand &use) {
    return use.getOwner() != row.getDefiningOp() &&
           rows->isProperAncestor(use.getOwner());
  });
  return loopUnrollJamByFactor(rows, factor);
}

void NVPTXRegisterTilePass::runOnOperation() {
  SmallVector<scf::ParallelOp> loops;
  getOperation().walk([&](scf::ParallelOp loop) {
    if (loop->getParentOfType<scf::ParallelOp>() ||
        !hasLongReduction(loop, minReduction) ||
        !hasInvariantInnerBounds(loop))
      return;
    std::optional<int64_t> lower =
        getConstantIntValue(loop.getLowerBound()[0]);
    std::optional<int64_t> upper =
        getConstantIntValue(loop.getUpperBound()[0]);
    if (!lower || *lower != 0 || !upper || *upper % factor != 0 ||
        !isConstantIntValue(loop.getStep()[0], 1))
      return;
    std::optional<int64_t> threads = nnc::nvptx::getThreadCount(loop);
    // Keep the GPU busy: enough threads left after the tiling.
    if (threads && *threads / factor >= minThreads)
      loops.push_back(loop);
  });
  for (scf::ParallelOp loop : loops)
    if (failed(registerTile(loop, factor))) {
      loop.emitOpError("could not be register-tiled");
      return signalPassFailure();
    }
}
