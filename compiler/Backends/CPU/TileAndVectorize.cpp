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

/// Tile sizes per loop (0: the loop stays whole).
SmallVector<int64_t>
CPUTileAndVectorizePass::chooseTileSizes(linalg::LinalgOp op) const {
  SmallVector<int64_t> sizes(op.getNumLoops(), 1);
  if (std::optional<linalg::ContractionDimensions> dims = getMatmulDims(op)) {
    sizes[dims->m[0]] = tileM;
    sizes[dims->n[0]] = tileN;
    sizes[dims->k[0]] = tileK;
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
