//===- MergeSerialKernels.cpp - one launch for neighbouring 1-thread loops -===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXMERGESERIALKERNELSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXMergeSerialKernelsPass
    : nnc::nvptx::impl::NVPTXMergeSerialKernelsPassBase<
          NVPTXMergeSerialKernelsPass> {
  void runOnOperation() override;
};
} // namespace

/// A loop that becomes a one-thread kernel.
static bool isSerialKernel(Operation &op) {
  auto loop = dyn_cast<scf::ParallelOp>(op);
  return loop && loop.getNumResults() == 0 &&
         nnc::nvptx::getThreadCount(loop) == std::optional<int64_t>(1);
}

/// Whether every operand of `op` is available before `point` (same block).
static bool operandsDefinedBefore(Operation &op, Operation *point) {
  return llvm::all_of(op.getOperands(), [&](Value operand) {
    Operation *def = operand.getDefiningOp();
    if (!def) // A block argument: defined before every operation.
      return true;
    Operation *ancestor = point->getBlock()->findAncestorOpInBlock(*def);
    return !ancestor || ancestor->isBeforeInBlock(point);
  });
}

/// Whether `a` and `b` as one kernel take few enough bytes of parameters
/// (the one-thread kernels that add up a long global norm in parts each
/// take nearly as many as PTX allows).
static bool fitTogether(scf::ParallelOp a, scf::ParallelOp b) {
  return nnc::nvptx::parametersFit(nnc::nvptx::getKernelParameters(a),
                                   nnc::nvptx::getKernelParameters(b));
}

/// Appends the body of `next` to that of `into` (one thread runs both, in
/// order) and erases `next`.
static void append(scf::ParallelOp into, scf::ParallelOp next) {
  for (auto [iv, lower] :
       llvm::zip(next.getInductionVars(), next.getLowerBound()))
    iv.replaceAllUsesWith(lower);
  Operation *terminator = into.getBody()->getTerminator();
  for (Operation &op :
       llvm::make_early_inc_range(next.getBody()->without_terminator()))
    op.moveBefore(terminator);
  next.erase();
}

static void mergeIn(Block &block) {
  scf::ParallelOp current;
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (isSerialKernel(op)) {
      auto loop = cast<scf::ParallelOp>(op);
      if (current && operandsDefinedBefore(op, current) &&
          fitTogether(current, loop))
        append(current, loop);
      else
        current = loop;
      continue;
    }
    if (current && isPure(&op) && op.getNumRegions() == 0 &&
        !op.hasTrait<OpTrait::IsTerminator>() &&
        operandsDefinedBefore(op, current)) {
      op.moveBefore(current);
      continue;
    }
    current = nullptr;
    // Host control flow: its blocks are merged on their own.
    if (!isa<scf::ParallelOp, gpu::LaunchOp>(op))
      for (Region &region : op.getRegions())
        for (Block &nested : region)
          mergeIn(nested);
  }
}

void NVPTXMergeSerialKernelsPass::runOnOperation() {
  for (Block &block : getOperation().getBody())
    mergeIn(block);
}
