//===- SplitReductions.cpp - long reductions over many threads ------------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/SCF/Utils/Utils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXSPLITREDUCTIONSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXSplitReductionsPass
    : nnc::nvptx::impl::NVPTXSplitReductionsPassBase<NVPTXSplitReductionsPass> {
  using Base::Base;
  void runOnOperation() override;
};

/// An output element reduced by a loop in the body of a parallel loop:
/// loaded before it (the init), carried as its iter_arg, stored after it.
struct Accumulator {
  memref::LoadOp init;
  memref::StoreOp store;
  /// The binary operation that folds a value into the accumulator.
  Operation *combiner;
  TypedAttr neutral;
};

/// `scf.parallel { load; scf.for iter_args(...) { ... }; store }`, as
/// nnc-nvptx-promote-accumulators leaves a reduction.
struct Reduction {
  scf::ParallelOp parallel;
  scf::ForOp loop;
  SmallVector<Accumulator> accumulators;
  /// Threads of the parallel loop, iterations of `loop`, and iterations of
  /// the loops nested in it.
  int64_t threads = 1, trips = 1, innerTrips = 1;
};
} // namespace


/// The operation that combines iter_arg `index` of `loop` with a new value
/// (through the loops nested in it), or null when the accumulator is used
/// otherwise; multiplies `innerTrips` by the trip counts on the way.
static Operation *findCombiner(scf::ForOp loop, unsigned index,
                               int64_t &innerTrips) {
  Value acc = loop.getRegionIterArgs()[index];
  Value yielded = loop.getYieldedValues()[index];
  if (!acc.hasOneUse())
    return nullptr;
  OpOperand &use = *acc.use_begin();
  Operation *user = use.getOwner();
  if (auto inner = dyn_cast<scf::ForOp>(user)) {
    std::optional<int64_t> trips = nnc::nvptx::getTripCount(inner);
    if (!trips || use.getOperandNumber() < inner.getNumControlOperands())
      return nullptr;
    unsigned innerIndex = use.getOperandNumber() - inner.getNumControlOperands();
    if (yielded != inner.getResult(innerIndex) ||
        !inner.getResult(innerIndex).hasOneUse())
      return nullptr;
    innerTrips *= *trips;
    return findCombiner(inner, innerIndex, innerTrips);
  }
  // The combined value must only be carried on: were it used in the loop,
  // a chunk starting from the neutral element would compute something else.
  if (user->getNumOperands() != 2 || user->getNumResults() != 1 ||
      user->getResult(0) != yielded || !yielded.hasOneUse() ||
      user->getOperand(0) == user->getOperand(1))
    return nullptr;
  if (!isa<arith::AddFOp, arith::AddIOp, arith::MulFOp, arith::MulIOp,
           arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
           arith::MinNumFOp>(user))
    return nullptr;
  return user;
}

/// Matches a reduction in `parallel`; its parallel loop must count from 0
/// by 1 (as convert-linalg-to-parallel-loops makes them).
static std::optional<Reduction> matchReduction(scf::ParallelOp parallel) {
  Reduction reduction{parallel, nullptr, {}};
  for (auto [lower, step] :
       llvm::zip(parallel.getLowerBound(), parallel.getStep()))
    if (!isConstantIntValue(lower, 0) || !isConstantIntValue(step, 1))
      return std::nullopt;
  std::optional<int64_t> threads = nnc::nvptx::getThreadCount(parallel);
  if (!threads || *threads <= 0)
    return std::nullopt;
  reduction.threads = *threads;
  Block *body = parallel.getBody();
  for (Operation &op : body->without_terminator()) {
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      if (reduction.loop)
        return std::nullopt;
      reduction.loop = loop;
    } else if (!isa<memref::LoadOp, memref::StoreOp>(op) && !isPure(&op)) {
      return std::nullopt;
    }
  }
  scf::ForOp loop = reduction.loop;
  if (!loop || loop.getNumRegionIterArgs() == 0)
    return std::nullopt;
  std::optional<int64_t> trips = nnc::nvptx::getTripCount(loop);
  if (!trips)
    return std::nullopt;
  reduction.trips = *trips;
  for (unsigned i = 0; i < loop.getNumRegionIterArgs(); ++i) {
    auto init = loop.getInitArgs()[i].getDefiningOp<memref::LoadOp>();
    Value result = loop.getResult(i);
    // The init feeds the loop only: phase 1 replaces it by the neutral
    // element.
    if (!init || init->getBlock() != body || !init->hasOneUse() ||
        !result.hasOneUse())
      return std::nullopt;
    auto store = dyn_cast<memref::StoreOp>(*result.user_begin());
    if (!store || store->getBlock() != body ||
        store.getMemRef() != init.getMemRef() ||
        !llvm::equal(store.getIndices(), init.getIndices()))
      return std::nullopt;
    int64_t innerTrips = 1;
    Operation *combiner = findCombiner(loop, i, innerTrips);
    std::optional<TypedAttr> neutral =
        combiner ? arith::getNeutralElement(combiner) : std::nullopt;
    if (!neutral)
      return std::nullopt;
    reduction.innerTrips = std::max(reduction.innerTrips, innerTrips);
    reduction.accumulators.push_back({init, store, combiner, *neutral});
  }
  // Every other operation, in the reduction loop too: pure or a load (a
  // store would run in every chunk's thread at once).
  WalkResult writes = body->walk([&](Operation *op) {
    if (op == loop || isa<scf::YieldOp, scf::ReduceOp, memref::LoadOp>(op) ||
        isPure(op))
      return WalkResult::advance();
    if (auto store = dyn_cast<memref::StoreOp>(op))
      if (llvm::any_of(reduction.accumulators, [&](const Accumulator &a) {
            return a.store == store;
          }))
        return WalkResult::advance();
    if (isa<scf::ForOp>(op))
      return WalkResult::advance();
    return WalkResult::interrupt();
  });
  if (writes.wasInterrupted())
    return std::nullopt;
  return reduction;
}


/// Phase 1 reduces `splits` chunks of the loop per output element into
/// partial results; phase 2 (the original loop, its reduction loop now over
/// the partials) combines them with the output's initial value.
///
/// Interleaved (`interleave`, when the reduction loop walks the operands'
/// contiguous index): split s takes iterations s, s + splits, ... and is
/// the fastest-varying thread index, so that a warp's 32 loads of one
/// iteration are 32 neighbouring elements (one transaction) instead of 32
/// chunks far apart. Otherwise split s takes a chunk of consecutive
/// iterations and the outputs vary fastest (coalesced when they are the
/// contiguous index, as for a bias gradient summed over the batch).
static void split(RewriterBase &rewriter, func::FuncOp func,
                  const Reduction &reduction, int64_t splits,
                  bool interleave) {
  scf::ParallelOp parallel = reduction.parallel;
  scf::ForOp loop = reduction.loop;
  Location loc = parallel.getLoc();
  int64_t chunk = llvm::divideCeil(reduction.trips, splits);
  if (!interleave)
    splits = llvm::divideCeil(reduction.trips, chunk);

  SmallVector<int64_t> shape{splits};
  for (Value upper : parallel.getUpperBound())
    shape.push_back(*getConstantIntValue(upper));
  SmallVector<Value> partials;
  for (const Accumulator &acc : reduction.accumulators)
    partials.push_back(nnc::nvptx::allocateForFunction(
        rewriter, func, MemRefType::get(shape, acc.neutral.getType()), loc));

  // Phase 1: (split, element) threads; each folds its chunk from the
  // neutral element.
  rewriter.setInsertionPoint(parallel);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value splitCount = arith::ConstantIndexOp::create(rewriter, loc, splits);
  SmallVector<Value> lowers(parallel.getLowerBound()),
      uppers(parallel.getUpperBound()), steps(parallel.getStep());
  // The split dimension: last (fastest) when interleaved, else first.
  size_t splitDim = interleave ? lowers.size() : 0;
  lowers.insert(lowers.begin() + splitDim, zero);
  uppers.insert(uppers.begin() + splitDim, splitCount);
  steps.insert(steps.begin() + splitDim, one);
  scf::ParallelOp::create(
      rewriter, loc, lowers, uppers, steps,
      [&](OpBuilder &b, Location bodyLoc, ValueRange all) {
        // (split, outputs...) in the order of the stores below.
        SmallVector<Value> ivs(all);
        ivs.erase(ivs.begin() + splitDim);
        ivs.insert(ivs.begin(), all[splitDim]);
        IRMapping mapping;
        mapping.map(parallel.getInductionVars(), ArrayRef(ivs).drop_front());
        for (Accumulator acc : reduction.accumulators)
          mapping.map(acc.init.getResult(),
                      arith::ConstantOp::create(b, bodyLoc, acc.neutral));
        for (Operation &op : parallel.getBody()->without_terminator()) {
          auto store = dyn_cast<memref::StoreOp>(op);
          auto init = dyn_cast<memref::LoadOp>(op);
          bool isInit = init && mapping.contains(init.getResult());
          if (isInit)
            continue;
          if (&op == loop.getOperation() && interleave) {
            // Iterations lb + s·step, lb + (s + splits)·step, ... < ub.
            Value lower = mapping.lookupOrDefault(loop.getLowerBound());
            Value step = mapping.lookupOrDefault(loop.getStep());
            Value first = arith::AddIOp::create(
                b, bodyLoc, lower,
                arith::MulIOp::create(b, bodyLoc, ivs[0], step));
            Value stride = arith::MulIOp::create(
                b, bodyLoc, step,
                arith::ConstantIndexOp::create(b, bodyLoc, splits));
            auto cloned = cast<scf::ForOp>(b.clone(op, mapping));
            cloned.setLowerBound(first);
            cloned.setStep(stride);
            continue;
          }
          if (&op == loop.getOperation()) {
            // The chunk: [lb + s·chunk·step, min(ub, lb + (s+1)·chunk·step)).
            Value lower = mapping.lookupOrDefault(loop.getLowerBound());
            Value upper = mapping.lookupOrDefault(loop.getUpperBound());
            Value span = arith::MulIOp::create(
                b, bodyLoc, mapping.lookupOrDefault(loop.getStep()),
                arith::ConstantIndexOp::create(b, bodyLoc, chunk));
            Value begin = arith::AddIOp::create(
                b, bodyLoc, lower,
                arith::MulIOp::create(b, bodyLoc, ivs[0], span));
            Value end = arith::MinSIOp::create(
                b, bodyLoc, upper,
                arith::AddIOp::create(b, bodyLoc, begin, span));
            auto cloned = cast<scf::ForOp>(b.clone(op, mapping));
            cloned.setLowerBound(begin);
            cloned.setUpperBound(end);
            continue;
          }
          if (!store) {
            b.clone(op, mapping);
            continue;
          }
          for (auto [acc, partial] :
               llvm::zip(reduction.accumulators, partials)) {
            if (acc.store != store)
              continue;
            SmallVector<Value> indices{ivs};
            memref::StoreOp::create(b, bodyLoc,
                                    mapping.lookup(store.getValueToStore()),
                                    partial, indices);
          }
        }
      });

  // Phase 2: the reduction loop runs over the partial results.
  // Its bound outside the parallel loop: loops inside with bounds of their
  // own cannot be unrolled and jammed (nnc-nvptx-register-tile).
  Value count = splitCount;
  rewriter.setInsertionPoint(loop);
  SmallVector<Value> inits(loop.getInitArgs());
  auto combine = scf::ForOp::create(
      rewriter, loc, zero, count, one, inits,
      [&](OpBuilder &b, Location bodyLoc, Value s, ValueRange accs) {
        SmallVector<Value> indices{s};
        llvm::append_range(indices, parallel.getInductionVars());
        SmallVector<Value> results;
        for (auto [acc, partial, value] :
             llvm::zip(reduction.accumulators, partials, accs)) {
          Value part = memref::LoadOp::create(b, bodyLoc, partial, indices);
          Operation *combined = b.clone(*acc.combiner);
          combined->setOperands({value, part});
          results.push_back(combined->getResult(0));
        }
        scf::YieldOp::create(b, bodyLoc, results);
      });
  rewriter.replaceOp(loop, combine.getResults());
}

/// Whether every load in the body of `loop` (not in loops nested in it)
/// has the loop's index, or the last part of it split by
/// `affine.delinearize_index` (a coalesced nest), as its last index: the
/// loop walks the contiguous dimension of what it reads.
static bool walksContiguously(scf::ForOp loop) {
  Value iv = loop.getInductionVar();
  bool any = false;
  for (auto load : loop.getBody()->getOps<memref::LoadOp>()) {
    if (load.getIndices().empty())
      return false;
    Value last = load.getIndices().back();
    auto split = last.getDefiningOp<affine::AffineDelinearizeIndexOp>();
    bool contiguous =
        last == iv || (split && split.getLinearIndex() == iv &&
                       last == split.getResults().back());
    if (!contiguous)
      return false;
    any = true;
  }
  return any;
}

/// Makes the perfect nest of static loops rooted at `loop` one loop (its
/// iteration order kept); false when it is a single loop or cannot be.
static bool coalesceNest(RewriterBase &rewriter, scf::ForOp &loop) {
  SmallVector<scf::ForOp> nest;
  getPerfectlyNestedLoops(nest, loop);
  if (nest.size() < 2 || !llvm::all_of(nest, [](scf::ForOp l) {
        return nnc::nvptx::getTripCount(l).has_value();
      }))
    return false;
  Operation *parent = loop->getParentOp();
  if (failed(coalesceLoops(rewriter, nest)))
    return false;
  // The coalesced loop replaces the outermost one in its block.
  for (Operation &op : parent->getRegion(0).front())
    if (auto coalesced = dyn_cast<scf::ForOp>(op))
      loop = coalesced;
  return true;
}

void NVPTXSplitReductionsPass::runOnOperation() {
  func::FuncOp func = getOperation();
  SmallVector<Reduction> reductions;
  func.walk([&](scf::ParallelOp parallel) {
    if (parallel->getParentOfType<scf::ParallelOp>())
      return;
    if (std::optional<Reduction> reduction = matchReduction(parallel))
      reductions.push_back(*reduction);
  });
  IRRewriter rewriter(&getContext());
  for (const Reduction &reduction : reductions) {
    // A quarter of the target already keeps the GPU busy: splitting would
    // cost a kernel and a round trip through memory for little.
    if (reduction.threads * 4 > targetThreads)
      continue;
    // Enough threads to fill the GPU, each with some work left.
    auto wanted = [&](const Reduction &r) {
      return std::min<int64_t>(
          {static_cast<int64_t>(llvm::divideCeil(targetThreads, r.threads)),
           r.trips * r.innerTrips / minWorkPerThread});
    };
    Reduction chosen = reduction;
    // Too few iterations in the outer loop of a nest (a squared norm over
    // 256x784 terms: 256 splits of 784 iterations each): the nest as one
    // loop splits as finely as the whole sum allows.
    if (wanted(chosen) > chosen.trips && coalesceNest(rewriter, chosen.loop))
      if (std::optional<Reduction> coalesced = matchReduction(chosen.parallel))
        chosen = *coalesced;
    int64_t splits = std::min(wanted(chosen), chosen.trips);
    if (splits >= 2)
      split(rewriter, func, chosen, splits, walksContiguously(chosen.loop));
  }
}
