//===- SplitReductions.cpp - full reductions through lane-wise partials ---===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUSPLITREDUCTIONSPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUSplitReductionsPass
    : nnc::cpu::impl::CPUSplitReductionsPassBase<CPUSplitReductionsPass> {
  using CPUSplitReductionsPassBase::CPUSplitReductionsPassBase;
  void runOnOperation() override;

private:
  LogicalResult split(RewriterBase &rewriter, linalg::GenericOp op) const;
  LogicalResult splitContiguous(RewriterBase &rewriter,
                                linalg::GenericOp op) const;
};
} // namespace

/// The single operation that combines the running value of output `index`
/// with the next element (the `addf` of a sum), if the body has that shape.
static Operation *getCombiner(linalg::GenericOp op, unsigned index = 0) {
  SmallVector<Operation *> combiners;
  Value reduced = matchReduction(op.getRegionOutputArgs(), index, combiners);
  if (!reduced || combiners.size() != 1 ||
      combiners[0]->getNumOperands() != 2)
    return nullptr;
  return combiners[0];
}

/// The neutral element of `combiner` (0 for a sum), if it is one.
static std::optional<TypedAttr> getNeutral(Operation *combiner) {
  if (!combiner)
    return std::nullopt;
  return arith::getNeutralElement(combiner);
}

/// `value` (static, row-major) viewed as `shape`.
static Value reshape(RewriterBase &rewriter, Location loc, Value value,
                     ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != 1) {
    ReassociationIndices all(type.getRank());
    std::iota(all.begin(), all.end(), 0);
    value = tensor::CollapseShapeOp::create(rewriter, loc, value,
                                            ArrayRef<ReassociationIndices>{all});
  }
  auto target = RankedTensorType::get(shape, type.getElementType());
  ReassociationIndices all(shape.size());
  std::iota(all.begin(), all.end(), 0);
  return tensor::ExpandShapeOp::create(rewriter, loc, target, value,
                                       ArrayRef<ReassociationIndices>{all});
}

/// Combines `partial` into `op`'s init `index` with the combiner of its
/// body (the running value where it had it), over `iterators`.
static Value combinePartials(RewriterBase &rewriter, linalg::GenericOp op,
                             Operation *combiner, Value partial,
                             AffineMap inMap, AffineMap outMap,
                             ArrayRef<utils::IteratorType> iterators,
                             unsigned index = 0) {
  Value init = op.getDpsInitOperand(index)->get();
  auto total = linalg::GenericOp::create(
      rewriter, op.getLoc(), init.getType(), partial, init,
      ArrayRef<AffineMap>{inMap, outMap}, iterators,
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        Value running = op.getRegionOutputArgs()[index];
        IRMapping mapping;
        for (Value operand : combiner->getOperands())
          mapping.map(operand, operand == running ? args[1] : args[0]);
        Operation *combined = b.clone(*combiner, mapping);
        linalg::YieldOp::create(b, bodyLoc, combined->getResult(0));
      });
  return total.getResult(0);
}

/// A reduction into a smaller tensor (per-channel statistics) whose
/// contiguous loop, the one vectorized, is a reduction: vectorized as is,
/// it becomes a chain of dependent scalar additions along that loop. Stage 1
/// keeps that loop's elements apart, as vector lanes ([..out, lanes]), and
/// stage 2 combines them: the order depends on the shapes alone. Several
/// outputs with the same map (Σx and Σx² of one pass) are split together.
LogicalResult
CPUSplitReductionsPass::splitContiguous(RewriterBase &rewriter,
                                        linalg::GenericOp op) const {
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
      op.getNumDpsInits() == 0 || op.getNumParallelLoops() == 0 ||
      op.getNumReductionLoops() == 0)
    return failure();
  unsigned lane = nnc::cpu::contiguousLoopDim(op);
  int64_t range = op.getStaticLoopRanges()[lane];
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (op.getIteratorTypesArray()[lane] != utils::IteratorType::reduction ||
      range < 2 || range > lanes || !outMap.isProjectedPermutation())
    return failure();
  unsigned numOutputs = op.getNumDpsInits();
  SmallVector<Operation *> combiners;
  SmallVector<TypedAttr> neutrals;
  for (unsigned k = 0; k < numOutputs; ++k) {
    Operation *combiner = getCombiner(op, k);
    std::optional<TypedAttr> neutral = getNeutral(combiner);
    if (!neutral || op.getMatchingIndexingMap(op.getDpsInitOperand(k)) != outMap)
      return failure();
    combiners.push_back(combiner);
    neutrals.push_back(*neutral);
  }

  // Stage 1: the same iteration space, with the lane loop parallel and
  // appended to the outputs.
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> partialInits;
  for (unsigned k = 0; k < numOutputs; ++k) {
    auto initType =
        cast<RankedTensorType>(op.getDpsInitOperand(k)->get().getType());
    SmallVector<int64_t> partialShape(initType.getShape());
    partialShape.push_back(range);
    Value empty = tensor::EmptyOp::create(rewriter, loc, partialShape,
                                          initType.getElementType());
    Value identity = arith::ConstantOp::create(rewriter, loc, neutrals[k]);
    partialInits.push_back(
        linalg::FillOp::create(rewriter, loc, identity, empty).getResult(0));
  }
  SmallVector<AffineExpr> partialResults(outMap.getResults());
  partialResults.push_back(getAffineDimExpr(lane, ctx));
  SmallVector<AffineMap> maps;
  for (OpOperand *input : op.getDpsInputOperands())
    maps.push_back(op.getMatchingIndexingMap(input));
  maps.append(numOutputs, AffineMap::get(op.getNumLoops(), 0, partialResults, ctx));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  iterators[lane] = utils::IteratorType::parallel;
  auto partial = linalg::GenericOp::create(
      rewriter, loc, ValueRange(partialInits).getTypes(), op.getDpsInputs(),
      partialInits, maps, iterators);
  rewriter.cloneRegionBefore(op.getRegion(), partial.getRegion(),
                             partial.getRegion().begin());

  // Stage 2: [..out, lanes] into each original init.
  unsigned rank = outMap.getNumResults() + 1;
  SmallVector<utils::IteratorType> combineIterators(
      rank - 1, utils::IteratorType::parallel);
  combineIterators.push_back(utils::IteratorType::reduction);
  SmallVector<Value> totals;
  for (unsigned k = 0; k < numOutputs; ++k)
    totals.push_back(combinePartials(
        rewriter, op, combiners[k], partial.getResult(k),
        AffineMap::getMultiDimIdentityMap(rank, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx).dropResult(rank - 1),
        combineIterators, k));
  rewriter.replaceOp(op, totals);
  return success();
}

LogicalResult CPUSplitReductionsPass::split(RewriterBase &rewriter,
                                            linalg::GenericOp op) const {
  // A reduction of whole tensors, read in row-major order, into a scalar,
  // by a body that does not depend on the iteration's position (which the
  // new iteration spaces would change).
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
      op.hasIndexSemantics() ||
      op.getNumDpsInits() != 1 || op.getNumDpsInputs() == 0 ||
      op.getNumParallelLoops() != 0 ||
      op.getRank(op.getDpsInitOperand(0)) != 0)
    return failure();
  for (OpOperand *input : op.getDpsInputOperands())
    if (!op.getMatchingIndexingMap(input).isIdentity())
      return failure();
  int64_t n = ShapedType::getNumElements(op.getStaticLoopRanges());
  if (n % lanes != 0 || n / lanes < 2)
    return failure();
  Operation *combiner = getCombiner(op);
  std::optional<TypedAttr> neutral = getNeutral(combiner);
  if (!neutral)
    return failure();
  int64_t rows = (n / lanes) % parts == 0 ? parts : 1;

  // Stage 1: partial[p, l] = ⊕ over r of x[p, r, l], where x is the input
  // viewed as [rows, n / (rows·lanes), lanes]. The lanes stay in vector
  // registers, and the rows are independent (nnc-cpu-parallelize splits
  // them).
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<int64_t> inputShape = {rows, n / (rows * lanes), lanes};
  SmallVector<Value> inputs;
  for (OpOperand *input : op.getDpsInputOperands())
    inputs.push_back(reshape(rewriter, loc, input->get(), inputShape));
  Type elementType = neutral->getType();
  Value empty = tensor::EmptyOp::create(rewriter, loc,
                                        ArrayRef<int64_t>{rows, lanes},
                                        elementType);
  Value identity = arith::ConstantOp::create(rewriter, loc, *neutral);
  Value partialInit =
      linalg::FillOp::create(rewriter, loc, identity, empty).getResult(0);
  MLIRContext *ctx = op.getContext();
  AffineMap in3 = AffineMap::getMultiDimIdentityMap(3, ctx);
  AffineMap out3 = AffineMap::get(
      3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(2, ctx)}, ctx);
  SmallVector<AffineMap> maps(inputs.size(), in3);
  maps.push_back(out3);
  using utils::IteratorType;
  auto partial = linalg::GenericOp::create(
      rewriter, loc, partialInit.getType(), inputs, partialInit, maps,
      {IteratorType::parallel, IteratorType::reduction,
       IteratorType::parallel});
  rewriter.cloneRegionBefore(op.getRegion(), partial.getRegion(),
                             partial.getRegion().begin());

  // Stage 2: combine the rows·lanes partials into the original init.
  AffineMap in2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap out2 = AffineMap::get(2, 0, {}, ctx);
  Value total = combinePartials(
      rewriter, op, combiner, partial.getResult(0), in2, out2,
      {IteratorType::reduction, IteratorType::reduction});
  rewriter.replaceOp(op, total);
  return success();
}

void CPUSplitReductionsPass::runOnOperation() {
  IRRewriter rewriter(&getContext());
  SmallVector<linalg::GenericOp> ops;
  getOperation().walk([&](linalg::GenericOp op) { ops.push_back(op); });
  for (linalg::GenericOp op : ops)
    if (failed(split(rewriter, op)))
      (void)splitContiguous(rewriter, op);
}
