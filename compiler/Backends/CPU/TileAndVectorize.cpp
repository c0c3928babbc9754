//===- TileAndVectorize.cpp - register tiles for linalg on tensors --------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUTILEANDVECTORIZEPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUTileAndVectorizePass
    : nnc::cpu::impl::CPUTileAndVectorizePassBase<CPUTileAndVectorizePass> {
  using CPUTileAndVectorizePassBase::CPUTileAndVectorizePassBase;
  void runOnOperation() override;

private:
  SmallVector<int64_t> chooseTileSizes(linalg::LinalgOp op) const;
};
} // namespace

/// Ops whose iteration space is larger than this after tiling are not
/// vectorized: they were not tiled as planned, and unrolling them into vector
/// ops would take longer to compile than the scalar loops take to run.
static constexpr int64_t kMaxVectorizedElements = 4096;

unsigned nnc::cpu::contiguousLoopDim(linalg::LinalgOp op) {
  unsigned numLoops = op.getNumLoops();
  unsigned best = numLoops - 1;
  int64_t bestSize = -1;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    if (!type || type.getRank() == 0 || !type.hasStaticShape())
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    auto dim = dyn_cast<AffineDimExpr>(map.getResults().back());
    if (dim && type.getNumElements() > bestSize) {
      best = dim.getPosition();
      bestSize = type.getNumElements();
    }
  }
  return best;
}

/// The m, n and k dimensions of a plain (non-batched) matmul, in any operand
/// layout.
static std::optional<linalg::ContractionDimensions>
getMatmulDims(linalg::LinalgOp op) {
  if (!linalg::isaContractionOpInterface(op) || op.getNumLoops() != 3)
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1)
    return std::nullopt;
  return *dims;
}

std::optional<nnc::cpu::StencilLoops>
nnc::cpu::getStencilLoops(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0 || op.getNumDpsInits() != 1)
    return std::nullopt;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!outMap.isProjectedPermutation() || outMap.getNumResults() < 2)
    return std::nullopt;
  for (OpOperand &init : op.getDpsInitsMutable())
    if (op.getMatchingIndexingMap(&init) != outMap)
      return std::nullopt;
  unsigned numLoops = op.getNumLoops();
  ArrayRef<AffineExpr> outResults = outMap.getResults();
  StencilLoops loops;
  loops.column = cast<AffineDimExpr>(outResults.back()).getPosition();
  loops.row = cast<AffineDimExpr>(outResults.drop_back().back()).getPosition();
  AffineExpr column = getAffineDimExpr(loops.column, op.getContext());

  // Loops that some sliding input depends on.
  SmallVector<bool> slides(numLoops, false);
  bool anySliding = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.isProjectedPermutation())
      continue;
    anySliding = true;
    if (map.getNumResults() == 0)
      return std::nullopt;
    // Only its innermost dimension follows the column, one element per
    // step: the column block's inputs are one contiguous row.
    ArrayRef<AffineExpr> results = map.getResults();
    AffineExpr rest = simplifyAffineExpr(results.back() - column, numLoops, 0);
    if (!results.back().isFunctionOfDim(loops.column) ||
        rest.isFunctionOfDim(loops.column))
      return std::nullopt;
    for (AffineExpr outer : results.drop_back())
      if (outer.isFunctionOfDim(loops.column))
        return std::nullopt;
    for (unsigned d = 0; d < numLoops; ++d)
      slides[d] = slides[d] || map.isFunctionOfDim(d);
  }
  if (!anySliding)
    return std::nullopt;

  // The channel: the largest parallel loop of the output that the sliding
  // inputs do not depend on (none in a pooling).
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  std::optional<unsigned> channel;
  for (AffineExpr result : outResults) {
    unsigned d = cast<AffineDimExpr>(result).getPosition();
    if (d == loops.column || d == loops.row || slides[d])
      continue;
    if (!channel || ranges[d] > ranges[*channel])
      channel = d;
  }
  if (!channel)
    return std::nullopt;
  loops.channel = *channel;
  return loops;
}

/// The vector registers (of 32) that hold a stencil's accumulator block.
static constexpr int64_t kAccumulatorRegisters = 16;
using nnc::cpu::kVectorLanes;

/// The loop of the output's innermost dimension if `op` reduces small 2-D
/// windows (a max pooling through the view [N, C, Ho, kh, Wo, kw]): its
/// contiguous loop, the window's column, is a reduction of a few elements,
/// so vectors go along the output row instead.
static std::optional<unsigned> getWindowColumn(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(*op) || op.getNumReductionLoops() < 2 ||
      op.getNumDpsInits() == 0 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t window = 1;
  for (auto [range, iterator] : llvm::zip(ranges, iterators))
    if (iterator == utils::IteratorType::reduction)
      window *= range;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (window > kVectorLanes || outMap.getNumResults() == 0 ||
      iterators[nnc::cpu::contiguousLoopDim(op)] !=
          utils::IteratorType::reduction)
    return std::nullopt;
  unsigned column = cast<AffineDimExpr>(outMap.getResults().back()).getPosition();
  return column;
}

/// Output columns per tile: at most one vector per row, wider rows cut in
/// the largest piece of at least half a vector that divides them (28 → 14),
/// else in whole vectors; a tile of two vectors per row (28 = 16 + 12)
/// would be shuffled through the stack.
static int64_t rowTile(int64_t columns) {
  if (columns <= kVectorLanes)
    return columns;
  int64_t piece = kVectorLanes;
  while (piece > kVectorLanes / 2 && columns % piece != 0)
    --piece;
  return columns % piece == 0 ? piece : kVectorLanes;
}

/// Tile sizes per loop (0: the loop stays whole).
SmallVector<int64_t>
CPUTileAndVectorizePass::chooseTileSizes(linalg::LinalgOp op) const {
  SmallVector<int64_t> sizes(op.getNumLoops(), 1);
  if (std::optional<linalg::ContractionDimensions> dims = getMatmulDims(op)) {
    sizes[dims->m[0]] = tileM;
    sizes[dims->n[0]] = tileN;
    sizes[dims->k[0]] = tileK;
  } else if (std::optional<nnc::cpu::StencilLoops> stencil =
                 nnc::cpu::getStencilLoops(op)) {
    // A block of [channels × columns] accumulators of one output row per
    // output, summed over the whole reduction (one loop iteration per tap
    // and input channel, each reading a row of the input) before it is
    // stored.
    int64_t columns = rowTile(op.getStaticLoopRanges()[stencil->column]);
    int64_t rowVectors =
        llvm::divideCeil(columns, kVectorLanes) * op.getNumDpsInits();
    sizes[stencil->channel] =
        std::max<int64_t>(1, kAccumulatorRegisters / rowVectors);
    sizes[stencil->column] = columns;
  } else if (std::optional<unsigned> column = getWindowColumn(op)) {
    // One window per lane, a tile per output row.
    sizes[*column] = rowTile(op.getStaticLoopRanges()[*column]);
  } else if (auto transpose = dyn_cast<linalg::TransposeOp>(*op)) {
    // Block the loops that walk the innermost dimension of the input and of
    // the output; each block becomes one 2-D vector.transpose.
    ArrayRef<int64_t> perm = transpose.getPermutation();
    sizes[perm.back()] = nnc::cpu::kTransposeBlock;
    sizes[perm.size() - 1] = nnc::cpu::kTransposeBlock;
  } else if (op.getNumLoops() > 0) {
    sizes[nnc::cpu::contiguousLoopDim(op)] = vectorLanes;
  }
  // A tile that covers its loop leaves the loop untiled.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [size, range] : llvm::zip(sizes, ranges))
    if (size >= range)
      size = 0;
  return sizes;
}

/// Tiles `op` with `sizes` and returns the loops whose tile does not divide
/// their trip count, innermost first: those must be peeled.
static SmallVector<scf::ForOp> tileOp(RewriterBase &rewriter,
                                      linalg::LinalgOp op,
                                      ArrayRef<int64_t> sizes) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return {};
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(*op), options);
  if (failed(tiled))
    return {};
  rewriter.replaceOp(op, tiled->replacements);

  SmallVector<scf::ForOp> partial;
  auto loop = tiled->loops.begin();
  for (auto [size, range] : llvm::zip(sizes, ranges)) {
    if (size == 0)
      continue;
    if (range % size != 0)
      partial.push_back(cast<scf::ForOp>(**loop));
    ++loop;
  }
  std::reverse(partial.begin(), partial.end());
  return partial;
}

/// Canonicalizes with the patterns that turn the tiles of peeled loops into
/// static shapes. As in the canonicalizer pass, reaching the rewrite limit is
/// not an error: the IR is valid either way.
static void canonicalize(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsGreedily(root, std::move(patterns));
}

/// Right-hand sides larger than this (bytes) are walked in blocks of
/// kReductionBlock rows along K, each block reused from cache by every
/// register tile before the next: a weight gradient [O, N·H·W]·[N·H·W, C·9]
/// would otherwise stream its 14 MiB right-hand side from memory once per
/// row of register tiles.
static constexpr int64_t kMaxStreamedRhsBytes = 1 << 20;
static constexpr int64_t kReductionBlock = 256;

/// Tiles the K loop of large matmuls into blocks (each output element still
/// sums its products in the same order).
static void blockReductions(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<linalg::LinalgOp> matmuls;
  func.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
        getMatmulDims(op))
      matmuls.push_back(op);
  });
  for (linalg::LinalgOp op : matmuls) {
    linalg::ContractionDimensions dims = *getMatmulDims(op);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    int64_t rhsBytes = ranges[dims.k[0]] * ranges[dims.n[0]] * 4;
    if (rhsBytes <= kMaxStreamedRhsBytes ||
        ranges[dims.k[0]] <= kReductionBlock)
      continue;
    SmallVector<int64_t> sizes(op.getNumLoops(), 0);
    sizes[dims.k[0]] = kReductionBlock;
    for (scf::ForOp loop : tileOp(rewriter, op, sizes)) {
      scf::ForOp remainder;
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, remainder);
    }
  }
}

/// A stencil tile sums over reduction loops of one iteration each (one tap
/// and input channel): without its unit loops but one reduction it is a
/// matmul [channels × 1]·[1 × columns] into the accumulator block, whose
/// maps vectorize (sliding windows do not). A window tile (one element of
/// each window in the row) without its unit loops is elementwise: its
/// combining body (a max with its position) is no reduction the vectorizer
/// knows.
static void dropUnitReductions(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<linalg::GenericOp> tiles;
  func.walk([&](linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        (!nnc::cpu::getStencilLoops(op) && !getWindowColumn(op)))
      return;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (auto [range, iterator] :
         llvm::zip(ranges, op.getIteratorTypesArray()))
      if (iterator == utils::IteratorType::reduction && range != 1)
        return;
    tiles.push_back(op);
  });
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  control.controlFn = [](Operation *op) {
    auto generic = cast<linalg::GenericOp>(op);
    bool stencil = nnc::cpu::getStencilLoops(generic).has_value();
    SmallVector<unsigned> dims;
    // Kept: a reduction that no window slides along (the input channel),
    // so that the maps left are those of a matmul.
    auto indexesPlainly = [&](unsigned dim) {
      for (AffineMap map : generic.getIndexingMapsArray())
        for (AffineExpr result : map.getResults())
          if (result.isFunctionOfDim(dim) && !isa<AffineDimExpr>(result))
            return false;
      return true;
    };
    std::optional<unsigned> keep;
    for (auto [dim, iterator] :
         llvm::enumerate(generic.getIteratorTypesArray()))
      if (iterator == utils::IteratorType::reduction && !keep &&
          indexesPlainly(dim) && stencil)
        keep = dim;
    for (unsigned dim = 0; dim < generic.getNumLoops(); ++dim)
      if (dim != keep)
        dims.push_back(dim);
    return dims;
  };
  for (linalg::GenericOp op : tiles) {
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::DropUnitDimsResult> dropped =
        linalg::dropUnitDims(rewriter, op, control);
    if (failed(dropped))
      continue;
    rewriter.replaceOp(op, dropped->replacements);
    // As a named matmul, it vectorizes into a vector.contract of outer
    // products (a generic would become a multiply and a unit reduction).
    auto tile = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
    if (!getMatmulDims(tile) || tile.getNumDpsInputs() != 2 ||
        tile.getNumDpsInits() != 1)
      continue;
    rewriter.setInsertionPoint(tile);
    SmallVector<Attribute> maps = llvm::map_to_vector(
        tile.getIndexingMapsArray(),
        [](AffineMap map) -> Attribute { return AffineMapAttr::get(map); });
    auto matmul = linalg::MatmulOp::create(
        rewriter, tile.getLoc(), tile.getResultTypes(), tile.getDpsInputs(),
        tile.getDpsInits(),
        {rewriter.getNamedAttr("indexing_maps", rewriter.getArrayAttr(maps))});
    rewriter.replaceOp(tile, matmul);
  }
}

namespace {
/// insert_slice(transfer_write(v, extract_slice(T)[0…]), T) with the same
/// slice → transfer_write(v, T) at the slice's offsets. A stencil's
/// accumulator block is written so (its tile has unit dimensions, which
/// upstream's folding of a write into an insert_slice does not take), and
/// the hoisting of the block out of its reduction loops needs the read and
/// the write of T to match.
struct FoldWriteIntoReinsertedSlice
    : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto write = insert.getSource().getDefiningOp<vector::TransferWriteOp>();
    if (!write || write.getMask() || !write->hasOneUse())
      return failure();
    auto extract = write.getBase().getDefiningOp<tensor::ExtractSliceOp>();
    if (!extract || extract.getSource() != insert.getDest() ||
        extract.getSourceType().getRank() != extract.getType().getRank() ||
        !extract.hasUnitStride() ||
        extract.getMixedOffsets() != insert.getMixedOffsets() ||
        extract.getMixedSizes() != insert.getMixedSizes() ||
        !insert.hasUnitStride())
      return failure();
    for (Value index : write.getIndices())
      if (!isConstantIntValue(index, 0))
        return failure();
    SmallVector<Value> offsets = getValueOrCreateConstantIndexOp(
        rewriter, insert.getLoc(), insert.getMixedOffsets());
    rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
        insert, write.getVector(), insert.getDest(), offsets,
        write.getPermutationMapAttr(), write.getInBoundsAttr());
    return success();
  }
};
} // namespace

void CPUTileAndVectorizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  IRRewriter rewriter(&getContext());
  blockReductions(rewriter, func);

  SmallVector<linalg::LinalgOp> ops;
  func.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape())
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    SmallVector<int64_t> sizes = chooseTileSizes(op);
    for (scf::ForOp loop : tileOp(rewriter, op, sizes)) {
      scf::ForOp remainder;
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, remainder);
    }
  }
  canonicalize(func);
  dropUnitReductions(rewriter, func);

  ops.clear();
  func.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
        ShapedType::getNumElements(op.getStaticLoopRanges()) <=
            kMaxVectorizedElements)
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
        rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
        // Gathers (tensor.extract at computed indices: pooling gradients,
        // the flipped convolution weight) were vectorized as if contiguous
        // at some shapes, which corrupted gradients; they stay scalar.
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/getMatmulDims(op).has_value());
    if (succeeded(result))
      rewriter.replaceOp(op, result->replacements);
  }

  // A reduction over unit dimensions only (the tile of a reduction into
  // lane-wise partials, nnc-cpu-split-reductions) is elementwise: say so
  // before the patterns below turn a multiply and such a reduction into a
  // contraction, which would lower to scalar shuffles.
  RewritePatternSet unitReductions(&getContext());
  vector::MultiDimReductionOp::getCanonicalizationPatterns(unitReductions,
                                                           &getContext());
  (void)applyPatternsGreedily(func, std::move(unitReductions));

  // Fold the tensor slices of each tile into its transfers, so that after
  // bufferization the transfers index the function's buffers directly.
  RewritePatternSet patterns(&getContext());
  tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
  patterns.add<FoldWriteIntoReinsertedSlice>(&getContext());
  vector::populateVectorReductionToContractPatterns(patterns);
  vector::populateSinkVectorOpsPatterns(patterns);
  (void)applyPatternsGreedily(func, std::move(patterns));

  // Keep each accumulator tile in registers across its K loop. Done on
  // tensors, where the loop-carried tile is explicit: after bufferization the
  // hoisting must prove that no other access aliases the tile, and gives up
  // as soon as the buffer has a view anywhere in the function.
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops)
    hoistLoopInvariantSubsets(rewriter, loop);
  canonicalize(func);
}
