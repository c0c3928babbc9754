//===- Parallelize.cpp - independent output tiles as scf.forall -----------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUPARALLELIZEPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUParallelizePass
    : nnc::cpu::impl::CPUParallelizePassBase<CPUParallelizePass> {
  using CPUParallelizePassBase::CPUParallelizePassBase;
  void runOnOperation() override;

private:
  struct Split {
    unsigned dim;
    int64_t tile;
  };
  std::optional<Split> chooseSplit(linalg::LinalgOp op) const;
};
} // namespace

/// A matmul iteration is a multiply-add on a register tile, several times
/// cheaper than an elementwise iteration, which goes through memory: this
/// many of them count as one against `min-iterations`.
static constexpr int64_t kMatmulIterationsPerUnit = 4;

/// An operand larger than this (bytes) does not stay in a core's cache.
static constexpr int64_t kMaxStreamedBytes = 1 << 20;

/// Splitting `dim` into tiles of `tile` iterations: at least two of them,
/// all full, so that every tile keeps a static shape.
static bool isSplittable(ArrayRef<int64_t> ranges, unsigned dim,
                         int64_t tile) {
  return tile > 0 && ranges[dim] % tile == 0 && ranges[dim] / tile >= 2;
}

std::optional<CPUParallelizePass::Split>
CPUParallelizePass::chooseSplit(linalg::LinalgOp op) const {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool isMatmul =
      linalg::isaContractionOpInterface(op) && op.getNumLoops() == 3;
  int64_t work = ShapedType::getNumElements(ranges) /
                 (isMatmul ? kMatmulIterationsPerUnit : 1);
  if (work < minIterations)
    return std::nullopt;

  if (isMatmul) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
        dims->k.size() != 1)
      return std::nullopt;
    // Each thread reads all of the operand that its split does not cut:
    // cut the larger one (B is K×N, A is M×K).
    Split byN{dims->n[0], tileN}, byM{dims->m[0], tileM};
    if (ranges[byN.dim] < ranges[byM.dim])
      std::swap(byN, byM);
    // Cutting M instead of N makes every row tile stream all of B (K×N).
    // When B is too large for the cache (a convolution's weight gradient
    // [O, N·H·W]·[N·H·W, C·9], C·9 = 144 not a multiple of 32), N is cut
    // in a larger tile of whole vectors that divides it, its remainder
    // peeled inside: B is then read once.
    int64_t bBytes = ranges[dims->k[0]] * ranges[dims->n[0]] * 4;
    for (Split split : {byN, byM}) {
      if (isSplittable(ranges, split.dim, split.tile))
        return split;
      if (split.dim != dims->n[0] || bBytes <= kMaxStreamedBytes)
        continue;
      for (int64_t tile = tileN + nnc::cpu::kVectorLanes;
           tile <= ranges[split.dim] / 2; tile += nnc::cpu::kVectorLanes)
        if (isSplittable(ranges, split.dim, tile))
          return Split{split.dim, tile};
    }
    return std::nullopt;
  }

  if (auto transpose = dyn_cast<linalg::TransposeOp>(*op)) {
    if (isSplittable(ranges, 0, nnc::cpu::kTransposeBlock))
      return Split{0, nnc::cpu::kTransposeBlock};
    return std::nullopt;
  }

  // Elementwise ops and reductions into smaller outputs: the outermost
  // parallel loop, one iteration per tile, unless it is the vectorized
  // one. Reduction loops are never split, so every output element is
  // computed in the same order whatever the thread count.
  unsigned contiguous = nnc::cpu::contiguousLoopDim(op);
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned dim = 0; dim < iterators.size(); ++dim) {
    if (iterators[dim] != utils::IteratorType::parallel)
      continue;
    int64_t tile = dim == contiguous ? vectorLanes : 1;
    if (isSplittable(ranges, dim, tile))
      return Split{dim, tile};
  }
  return std::nullopt;
}

void CPUParallelizePass::runOnOperation() {
  IRRewriter rewriter(&getContext());
  SmallVector<linalg::LinalgOp> ops;
  getOperation().walk([&](linalg::LinalgOp op) {
    // Ops already inside a parallel loop (or any loop) stay as they are.
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
        !op->getParentOfType<LoopLikeOpInterface>())
      ops.push_back(op);
  });
  // Consumers first, so that a matmul takes in the op that initializes its
  // output before that op is split on its own.
  for (linalg::LinalgOp op : llvm::reverse(ops)) {
    if (op->use_empty()) {
      // Fused into all its users: nothing reads it any more.
      rewriter.eraseOp(op);
      continue;
    }
    std::optional<Split> split = chooseSplit(op);
    if (!split)
      continue;
    SmallVector<int64_t> sizes(op.getNumLoops(), 0);
    sizes[split->dim] = split->tile;
    scf::SCFTilingOptions tiling;
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    tiling.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    // The op that initializes the output (zeros, a broadcast bias) joins
    // the loop: each thread initializes the tile it computes, while it is
    // in its cache, and one parallel loop is saved. The op stays for its
    // other users, if any.
    options.setFusionControlFn(
        [](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (isDestination && isa<linalg::LinalgOp>(producer.getOwner()))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTileAndFuseResult> tiled =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(*op), options);
    if (failed(tiled))
      continue;
    for (OpResult result : op->getResults())
      rewriter.replaceAllUsesWith(result, tiled->replacements.lookup(result));
    rewriter.eraseOp(op);
  }
}
