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
};
} // namespace

/// The single operation that combines the reduction's running value with
/// the next element (the `addf` of a sum), if the body has that shape.
static Operation *getCombiner(linalg::GenericOp op) {
  SmallVector<Operation *> combiners;
  Value reduced = matchReduction(op.getRegionOutputArgs(), 0, combiners);
  if (!reduced || combiners.size() != 1 ||
      combiners[0]->getNumOperands() != 2)
    return nullptr;
  return combiners[0];
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
  if (!combiner)
    return failure();
  std::optional<TypedAttr> neutral = arith::getNeutralElement(combiner);
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
  Value init = op.getDpsInitOperand(0)->get();
  auto total = linalg::GenericOp::create(
      rewriter, loc, init.getType(), partial.getResult(0), init,
      ArrayRef<AffineMap>{in2, out2},
      {IteratorType::reduction, IteratorType::reduction},
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        // The combiner with the running value where it had it.
        Value running = op.getRegionOutputArgs()[0];
        IRMapping mapping;
        for (Value operand : combiner->getOperands())
          mapping.map(operand, operand == running ? args[1] : args[0]);
        Operation *combined = b.clone(*combiner, mapping);
        linalg::YieldOp::create(b, bodyLoc, combined->getResult(0));
      });
  rewriter.replaceOp(op, total.getResults());
  return success();
}

void CPUSplitReductionsPass::runOnOperation() {
  IRRewriter rewriter(&getContext());
  SmallVector<linalg::GenericOp> ops;
  getOperation().walk([&](linalg::GenericOp op) { ops.push_back(op); });
  for (linalg::GenericOp op : ops)
    (void)split(rewriter, op);
}
