//===- FuseIndependentKernels.cpp - one launch for independent kernels ----===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXFUSEINDEPENDENTKERNELSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXFuseIndependentKernelsPass
    : nnc::nvptx::impl::NVPTXFuseIndependentKernelsPassBase<
          NVPTXFuseIndependentKernelsPass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

/// A kernel this pass can merge: a top-level loop without results, of
/// static trip counts.
static bool isMergeable(Operation *op) {
  auto loop = dyn_cast<scf::ParallelOp>(op);
  return loop && loop.getNumResults() == 0 &&
         nnc::nvptx::getTripCounts(loop).has_value();
}

/// One loop over the iterations of `first` then `second` (both
/// one-dimensional, from 0 by 1), `second` starting at a multiple of
/// `align` so that no block of `align` threads runs both.
static scf::ParallelOp concatenate(RewriterBase &rewriter,
                                   scf::ParallelOp first,
                                   scf::ParallelOp second, int64_t align) {
  int64_t firstCount = *nnc::nvptx::getThreadCount(first);
  int64_t secondCount = *nnc::nvptx::getThreadCount(second);
  int64_t start = llvm::alignTo(firstCount, align);
  Location loc = first.getLoc();
  rewriter.setInsertionPoint(first);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value upper = arith::ConstantIndexOp::create(rewriter, loc, start + secondCount);
  auto merged = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                        ValueRange{upper}, ValueRange{one});
  Block *body = merged.getBody();
  Value index = merged.getInductionVars()[0];
  rewriter.setInsertionPointToStart(body);
  Value startValue = arith::ConstantIndexOp::create(rewriter, loc, start);
  Value inFirst = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                        index, startValue);
  auto branch = scf::IfOp::create(rewriter, loc, inFirst, /*withElse=*/true);
  // The first loop's part, masked past its own end.
  rewriter.setInsertionPoint(branch.thenBlock()->getTerminator());
  Value firstEnd = arith::ConstantIndexOp::create(rewriter, loc, firstCount);
  Value inside = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                       index, firstEnd);
  auto guard = scf::IfOp::create(rewriter, loc, inside, /*withElse=*/false);
  first.getInductionVars()[0].replaceAllUsesWith(index);
  for (Operation &op :
       llvm::make_early_inc_range(first.getBody()->without_terminator()))
    op.moveBefore(guard.thenBlock()->getTerminator());
  // The second's, from 0.
  rewriter.setInsertionPoint(branch.elseBlock()->getTerminator());
  Value shifted = arith::SubIOp::create(rewriter, loc, index, startValue);
  second.getInductionVars()[0].replaceAllUsesWith(shifted);
  for (Operation &op :
       llvm::make_early_inc_range(second.getBody()->without_terminator()))
    op.moveBefore(branch.elseBlock()->getTerminator());
  rewriter.eraseOp(first);
  rewriter.eraseOp(second);
  return merged;
}

/// Makes a loop one-dimensional from 0 by 1 (a no-op when it is).
static scf::ParallelOp flatten(RewriterBase &rewriter, scf::ParallelOp loop) {
  SmallVector<int64_t> trips = *nnc::nvptx::getTripCounts(loop);
  if (trips.size() == 1 && isConstantIntValue(loop.getLowerBound()[0], 0) &&
      isConstantIntValue(loop.getStep()[0], 1))
    return loop;
  return nnc::nvptx::linearize(rewriter, loop, trips);
}

/// What operations read and write (collectAccesses), each found once: a
/// kernel is compared with every operation before it, and those with
/// all kernels after them.
class AccessCache {
public:
  /// The accesses of `op`; null when they are not known. Valid until the
  /// next call.
  const SmallVector<nnc::nvptx::BufferAccess> *get(Operation *op) {
    auto [it, added] = known.try_emplace(op);
    if (added) {
      SmallVector<nnc::nvptx::BufferAccess> accesses;
      if (nnc::nvptx::collectAccesses(op, accesses))
        it->second = std::move(accesses);
    }
    return it->second ? &*it->second : nullptr;
  }
  /// Before `op` is erased (a later operation may reuse its address).
  void forget(Operation *op) { known.erase(op); }

private:
  DenseMap<Operation *, std::optional<SmallVector<nnc::nvptx::BufferAccess>>>
      known;
};

/// The parameters of each kernel once outlined (getKernelParameters), kept
/// up to date as kernels merge: a merged kernel takes those of both. PTX
/// limits their bytes, and a deep model's independent updates would pass
/// it (a 60-layer BatchNorm MLP's fused update took 5.6 KB).
class ParameterCache {
public:
  /// Whether `a` and `b` as one kernel take few enough bytes of parameters.
  bool fit(Operation *a, Operation *b) {
    get(a);
    // Looked up again: adding `b` may move the map's entries.
    const llvm::SetVector<Value> &second = get(b);
    return nnc::nvptx::parametersFit(known.find(a)->second, second);
  }
  /// Before `a` and `b` are merged (and erased); `merged` records the
  /// kernel they became.
  void merge(Operation *a, Operation *b) {
    pending = get(a);
    pending.insert_range(get(b));
    known.erase(a);
    known.erase(b);
  }
  void merged(Operation *kernel) { known[kernel] = std::move(pending); }

private:
  const llvm::SetVector<Value> &get(Operation *kernel) {
    auto [it, added] = known.try_emplace(kernel);
    if (added)
      it->second = nnc::nvptx::getKernelParameters(kernel);
    return it->second;
  }
  DenseMap<Operation *, llvm::SetVector<Value>> known;
  llvm::SetVector<Value> pending;
};

/// Whether `op` (a pure host operation, or one whose memory accesses are
/// known) touches nothing of `accesses` that either side writes.
static bool independent(ArrayRef<nnc::nvptx::BufferAccess> accesses,
                        Operation *op, AccessCache &cache) {
  if (isPure(op) && op->getNumRegions() == 0)
    return true;
  const SmallVector<nnc::nvptx::BufferAccess> *other = cache.get(op);
  return other && !nnc::nvptx::conflict(accesses, *other);
}

/// Moves each kernel of `block` up into the earliest kernel before it that
/// it is independent of (with everything in between), as one launch.
static void fuseIn(RewriterBase &rewriter, Block &block, int64_t align,
                   AccessCache &cache, ParameterCache &parameters) {
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (!isMergeable(&op))
      continue;
    auto kernel = cast<scf::ParallelOp>(op);
    // A copy: the cache grows (and its storage moves) during the scan.
    const SmallVector<nnc::nvptx::BufferAccess> *known = cache.get(kernel);
    if (!known)
      continue;
    SmallVector<nnc::nvptx::BufferAccess> accesses(*known);
    // Values from above that the kernel (or what moves with it) uses.
    llvm::SetVector<Value> needed;
    getUsedValuesDefinedAbove(kernel.getRegion(), needed);
    for (Value operand : kernel->getOperands())
      needed.insert(operand);
    SmallVector<Operation *> carried;
    Operation *target = nullptr;
    for (Operation *before = kernel->getPrevNode(); before;
         before = before->getPrevNode()) {
      bool defines = llvm::any_of(before->getResults(), [&](Value result) {
        return needed.contains(result);
      });
      if (defines) {
        if (!isPure(before) || before->getNumRegions() != 0)
          break;
        carried.push_back(before);
        for (Value operand : before->getOperands())
          needed.insert(operand);
        continue;
      }
      if (!independent(accesses, before, cache))
        break;
      if (isMergeable(before) && parameters.fit(before, kernel))
        target = before;
    }
    if (!target)
      continue;
    cache.forget(target);
    cache.forget(kernel);
    parameters.merge(target, kernel);
    // What the kernel uses moves before the target, in its order.
    for (Operation *def : llvm::reverse(carried))
      if (target->isBeforeInBlock(def))
        def->moveBefore(target);
    auto first = flatten(rewriter, cast<scf::ParallelOp>(target));
    auto second = flatten(rewriter, kernel);
    parameters.merged(concatenate(rewriter, first, second, align));
  }
}

/// Moves each kernel of `block` that no later kernel could join down into
/// the first later kernel it is independent of (with everything in
/// between), as one launch: a small kernel between two kernels it cannot
/// join upwards (the loss's final sum between tiled matmuls, which stay
/// launches of their own) no longer costs a launch.
static void sinkIn(RewriterBase &rewriter, Block &block, int64_t align,
                   AccessCache &cache, ParameterCache &parameters) {
  SmallVector<scf::ParallelOp> kernels;
  for (Operation &op : block)
    if (isMergeable(&op))
      kernels.push_back(cast<scf::ParallelOp>(op));
  llvm::SmallPtrSet<Operation *, 8> erased;
  for (scf::ParallelOp kernel : kernels) {
    if (erased.contains(kernel))
      continue;
    // A copy: the cache grows (and its storage moves) during the scan.
    const SmallVector<nnc::nvptx::BufferAccess> *known = cache.get(kernel);
    if (!known)
      continue;
    SmallVector<nnc::nvptx::BufferAccess> accesses(*known);
    scf::ParallelOp target;
    for (Operation *after = kernel->getNextNode(); after;
         after = after->getNextNode()) {
      if (!independent(accesses, after, cache))
        break;
      if (isMergeable(after) && parameters.fit(kernel, after)) {
        target = cast<scf::ParallelOp>(after);
        break;
      }
    }
    if (!target)
      continue;
    cache.forget(kernel);
    cache.forget(target);
    parameters.merge(kernel, target);
    // What the kernel uses is defined before it, so before the target too.
    kernel->moveBefore(target);
    erased.insert(kernel);
    erased.insert(target);
    auto first = flatten(rewriter, kernel);
    auto second = flatten(rewriter, target);
    parameters.merged(concatenate(rewriter, first, second, align));
  }
}

void NVPTXFuseIndependentKernelsPass::runOnOperation() {
  IRRewriter rewriter(&getContext());
  for (Block &block : getOperation().getBody()) {
    AccessCache cache;
    ParameterCache parameters;
    fuseIn(rewriter, block, blockSize, cache, parameters);
    sinkIn(rewriter, block, blockSize, cache, parameters);
  }
}
