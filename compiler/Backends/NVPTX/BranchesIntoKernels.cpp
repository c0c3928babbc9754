//===- BranchesIntoKernels.cpp - host branches tested inside kernels ------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXBRANCHESINTOKERNELSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXBranchesIntoKernelsPass
    : nnc::nvptx::impl::NVPTXBranchesIntoKernelsPassBase<
          NVPTXBranchesIntoKernelsPass> {
  void runOnOperation() override;
};
} // namespace

/// Whether `block` holds only kernels without results and pure operations
/// without regions (besides its terminator).
static bool holdsOnlyKernels(Block &block) {
  return llvm::all_of(block.without_terminator(), [](Operation &op) {
    if (auto loop = dyn_cast<scf::ParallelOp>(op))
      return loop.getNumResults() == 0;
    return isPure(&op) && op.getNumRegions() == 0;
  });
}

/// Whether two loops iterate over the same space.
static bool sameSpace(scf::ParallelOp a, scf::ParallelOp b) {
  auto same = [](ValueRange x, ValueRange y) {
    return isEqualConstantIntOrValueArray(getAsOpFoldResult(x),
                                          getAsOpFoldResult(y));
  };
  return same(a.getLowerBound(), b.getLowerBound()) &&
         same(a.getUpperBound(), b.getUpperBound()) &&
         same(a.getStep(), b.getStep());
}

/// Puts the body of `loop` (but its terminator) into `scf.if %condition`
/// and returns that.
static scf::IfOp guardBody(OpBuilder &builder, scf::ParallelOp loop,
                           Value condition, bool withElse) {
  Block *body = loop.getBody();
  builder.setInsertionPointToStart(body);
  auto guard =
      scf::IfOp::create(builder, loop.getLoc(), condition, withElse);
  Operation *yield = guard.thenBlock()->getTerminator();
  for (Operation &op : llvm::make_early_inc_range(*body))
    if (&op != guard.getOperation() && &op != body->getTerminator())
      op.moveBefore(yield);
  return guard;
}

static void moveBranchIntoKernels(scf::IfOp branch) {
  Block *thenBlock = branch.thenBlock();
  Block *elseBlock = branch.elseBlock();
  // Pure host operations first: they may compute what the kernels use.
  for (Block *block : {thenBlock, elseBlock})
    if (block)
      for (Operation &op : llvm::make_early_inc_range(block->without_terminator()))
        if (!isa<scf::ParallelOp>(op))
          op.moveBefore(branch);
  auto kernels = [](Block *block) {
    SmallVector<scf::ParallelOp> loops;
    if (block)
      llvm::append_range(loops, block->getOps<scf::ParallelOp>());
    return loops;
  };
  SmallVector<scf::ParallelOp> thenKernels = kernels(thenBlock);
  SmallVector<scf::ParallelOp> elseKernels = kernels(elseBlock);
  OpBuilder builder(branch);
  Value condition = branch.getCondition();
  if (thenKernels.size() == 1 && elseKernels.size() == 1 &&
      sameSpace(thenKernels[0], elseKernels[0])) {
    scf::ParallelOp merged = thenKernels[0], other = elseKernels[0];
    merged->moveBefore(branch);
    scf::IfOp guard = guardBody(builder, merged, condition, /*withElse=*/true);
    for (auto [from, to] :
         llvm::zip(other.getInductionVars(), merged.getInductionVars()))
      from.replaceAllUsesWith(to);
    Operation *yield = guard.elseBlock()->getTerminator();
    for (Operation &op :
         llvm::make_early_inc_range(other.getBody()->without_terminator()))
      op.moveBefore(yield);
    branch.erase();
    return;
  }
  for (scf::ParallelOp kernel : thenKernels) {
    kernel->moveBefore(branch);
    guardBody(builder, kernel, condition, /*withElse=*/false);
  }
  if (!elseKernels.empty()) {
    builder.setInsertionPoint(branch);
    Value yes = arith::ConstantIntOp::create(builder, branch.getLoc(), 1, 1);
    Value negated =
        arith::XOrIOp::create(builder, branch.getLoc(), condition, yes);
    for (scf::ParallelOp kernel : elseKernels) {
      kernel->moveBefore(branch);
      guardBody(builder, kernel, negated, /*withElse=*/false);
    }
  }
  branch.erase();
}

void NVPTXBranchesIntoKernelsPass::runOnOperation() {
  SmallVector<scf::IfOp> branches;
  // Post-order: an inner branch becomes kernels before the outer one is
  // looked at.
  getOperation().walk([&](scf::IfOp branch) {
    if (branch.getNumResults() == 0 && !nnc::nvptx::getKernel(branch) &&
        holdsOnlyKernels(*branch.thenBlock()) &&
        (!branch.elseBlock() || holdsOnlyKernels(*branch.elseBlock())))
      moveBranchIntoKernels(branch);
  });
}
