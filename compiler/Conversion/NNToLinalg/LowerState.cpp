//===- LowerState.cpp - parameter reads, gradient norm and SGD update -----===//
//
// Parameters are slices of the flat state (docs/abi.md). Every update reads
// and writes the same slice after all other reads of the step, so that
// bufferization updates the state buffer in place, without copies.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::nn;
using namespace nnc;

namespace {
/// The 1-D slice of `state` that holds `slot`.
Value flatSlice(OpBuilder &b, Location loc, Value state,
                const TensorSlot &slot) {
  return tensor::ExtractSliceOp::create(
      b, loc, state, ArrayRef<OpFoldResult>{b.getIndexAttr(slot.offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(slot.type.getNumElements())},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

RankedTensorType flatType(const TensorSlot &slot, Type elem) {
  return RankedTensorType::get({slot.type.getNumElements()}, elem);
}

/// The run-time mask entry of `slot` (1 = train), or null without a mask.
Value maskOf(OpBuilder &b, Location loc, const StateAccess &access,
             const TensorSlot &slot) {
  if (!access.trainable)
    return nullptr;
  Value i = arith::ConstantIndexOp::create(b, loc, slot.ordinal);
  return tensor::ExtractOp::create(b, loc, access.trainable, ValueRange{i});
}

FailureOr<const TensorSlot *> lookupSlot(Operation *op,
                                         const StateLayout &layout,
                                         FlatSymbolRefAttr sym) {
  auto it = layout.slots.find(sym.getAttr());
  if (it == layout.slots.end())
    return op->emitOpError("refers to ") << sym << ", which is not in the state";
  return &it->second;
}

LogicalResult lowerRead(ReadParamOp op, const StateLayout &layout,
                        const StateAccess &access) {
  auto slot = lookupSlot(op, layout, op.getParamAttr());
  if (failed(slot))
    return failure();
  OpBuilder b(op);
  Value flat = flatSlice(b, op.getLoc(), access.state, **slot);
  op.replaceAllUsesWith(
      nnc::buildReshape(b, op.getLoc(), flat, op.getValue().getType()));
  op.erase();
  return success();
}

/// sqrt(Σ_i mask_i · ‖g_i‖²)
LogicalResult lowerGlobalNorm(GlobalNormOp op, const StateLayout &layout,
                              const StateAccess &access) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type elem = op.getNorm().getType().getElementType();
  Value total = nnc::floatConstant(b, loc, elem, 0.0);
  for (auto [grad, param] : llvm::zip(op.getGrads(), op.getParams())) {
    auto slot = lookupSlot(op, layout, cast<FlatSymbolRefAttr>(param));
    if (failed(slot))
      return failure();
    auto type = cast<RankedTensorType>(grad.getType());
    auto all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    Value squares = nnc::buildDimSum(
        b, loc, grad, all, [](OpBuilder &b, Location loc, ValueRange a) {
          return arith::MulFOp::create(b, loc, a[0], a[0]);
        });
    Value sum = tensor::ExtractOp::create(b, loc, squares, ValueRange{});
    if (Value mask = maskOf(b, loc, access, **slot))
      sum = arith::MulFOp::create(b, loc, sum, mask);
    total = arith::AddFOp::create(b, loc, total, sum);
  }
  Value norm = math::SqrtOp::create(b, loc, total);
  op.replaceAllUsesWith(tensor::FromElementsOp::create(
                            b, loc, op.getNorm().getType(), ValueRange{norm})
                            .getResult());
  op.erase();
  return success();
}

/// x − step·g, plus σ·ξ when `sigma` is given, written into `param`'s own
/// buffer (destination-passing style) so that the update needs no copy.
Value buildUpdate(OpBuilder &b, Location loc, Value param, Value grad,
                  Value stepSize, Value sigma, SgdUpdateOp op) {
  int64_t rank = cast<RankedTensorType>(param.getType()).getRank();
  auto identity = b.getMultiDimIdentityMap(rank);
  return nnc::buildGeneric(
      b, loc, grad, identity, param, identity,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value descent = arith::SubFOp::create(
            b, loc, args[1], arith::MulFOp::create(b, loc, stepSize, args[0]));
        if (!sigma)
          return descent;
        Value index = arith::IndexCastOp::create(
            b, loc, b.getI32Type(), linalg::IndexOp::create(b, loc, 0));
        Value stream = arith::ConstantOp::create(
            b, loc, b.getI32Type(), b.getI32IntegerAttr(op.getStream()));
        Value xi = nnc::buildPhiloxNormal(b, loc, index, stream, op.getSeed(),
                                          op.getStep(),
                                          args[1].getType());
        return arith::AddFOp::create(b, loc, descent,
                                     arith::MulFOp::create(b, loc, sigma, xi));
      });
}

/// Updates one parameter inside `state` and returns the new state. The
/// parameter is extracted from and inserted back into the same slice, the
/// pattern bufferization turns into an in-place update. Noise is drawn only
/// when ε > 0 (and the parameter is trained), so ε = 0 costs one comparison
/// per tensor.
FailureOr<Value> lowerUpdate(SgdUpdateOp op, const StateLayout &layout,
                             const StateAccess &access, Value state) {
  auto slot = lookupSlot(op, layout, op.getParamAttr());
  if (failed(slot))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type elem = op.getGrad().getType().getElementType();
  Value param = flatSlice(b, loc, state, **slot);
  Value grad = nnc::buildReshape(b, loc, op.getGrad(), flatType(**slot, elem));
  Value stepSize = arith::MulFOp::create(b, loc, op.getLr(), op.getScale());
  Value zero = nnc::floatConstant(b, loc, elem, 0.0);
  Value noisy = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                      op.getNoise(), zero);
  if (Value mask = maskOf(b, loc, access, **slot)) {
    stepSize = arith::MulFOp::create(b, loc, stepSize, mask);
    Value trained = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                          mask, zero);
    noisy = arith::AndIOp::create(b, loc, noisy, trained);
  }
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{param.getType()}, noisy,
                                /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    Value sigma = math::SqrtOp::create(b, loc, op.getNoise());
    scf::YieldOp::create(
        b, loc, buildUpdate(b, loc, param, grad, stepSize, sigma, op));
    b.setInsertionPointToStart(ifOp.elseBlock());
    scf::YieldOp::create(
        b, loc, buildUpdate(b, loc, param, grad, stepSize, nullptr, op));
  }
  int64_t n = (*slot)->type.getNumElements();
  Value updated = tensor::InsertSliceOp::create(
      b, loc, ifOp.getResult(0), state,
      ArrayRef<OpFoldResult>{b.getIndexAttr((*slot)->offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  op.erase();
  return updated;
}
/// state[slot] ← (1 − m)·state[slot] + m·factor·stat, in place.
Value blendIntoSlot(OpBuilder &b, Location loc, Value state,
                    const TensorSlot &slot, Value stat, double momentum,
                    double factor) {
  Value old = flatSlice(b, loc, state, slot);
  auto identity = b.getMultiDimIdentityMap(1);
  Value blended = nnc::buildGeneric(
      b, loc, stat, identity, old, identity, {utils::IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Type t = a[0].getType();
        Value fresh = arith::MulFOp::create(
            b, loc, a[0], nnc::floatConstant(b, loc, t, momentum * factor));
        Value kept = arith::MulFOp::create(
            b, loc, a[1], nnc::floatConstant(b, loc, t, 1.0 - momentum));
        return arith::AddFOp::create(b, loc, kept, fresh);
      });
  int64_t n = slot.type.getNumElements();
  return tensor::InsertSliceOp::create(
      b, loc, blended, state, ArrayRef<OpFoldResult>{b.getIndexAttr(slot.offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

/// Running mean and (unbiased) running variance from this batch.
FailureOr<Value> lowerStatsUpdate(BatchNormUpdateStatsOp op,
                                  const StateLayout &layout, Value state) {
  auto mean = lookupSlot(op, layout, op.getRunningMeanAttr());
  auto var = lookupSlot(op, layout, op.getRunningVarAttr());
  if (failed(mean) || failed(var))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto type = op.getInput().getType();
  double count = double(type.getNumElements() / type.getDimSize(1));
  double momentum = op.getMomentum().convertToDouble();
  auto [batchMean, batchVar] =
      op.getSinglePass() ? nnc::buildChannelMoments(b, loc, op.getInput())
                         : nnc::buildChannelStatistics(b, loc, op.getInput());
  state = blendIntoSlot(b, loc, state, **mean, batchMean, momentum, 1.0);
  state = blendIntoSlot(b, loc, state, **var, batchVar, momentum,
                        count / (count - 1.0));
  op.erase();
  return state;
}
} // namespace

LogicalResult nnc::lowerStateAccesses(func::FuncOp func,
                                      const StateLayout &layout,
                                      const StateAccess &access) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<ReadParamOp, GlobalNormOp, SgdUpdateOp, BatchNormUpdateStatsOp>(op))
      ops.push_back(op);
  });
  // Updates come after every read of the step (nn-optimizer puts them at
  // the end); each one threads the state on to the next.
  Value state = access.state;
  for (Operation *op : ops) {
    LogicalResult result = success();
    if (auto read = dyn_cast<ReadParamOp>(op)) {
      result = lowerRead(read, layout, access);
    } else if (auto norm = dyn_cast<GlobalNormOp>(op)) {
      result = lowerGlobalNorm(norm, layout, access);
    } else {
      if (!access.stateBuffer)
        return op->emitOpError("updates the state in a function without a "
                               "writable state");
      auto stats = dyn_cast<BatchNormUpdateStatsOp>(op);
      FailureOr<Value> updated =
          stats ? lowerStatsUpdate(stats, layout, state)
                : lowerUpdate(cast<SgdUpdateOp>(op), layout, access, state);
      if (succeeded(updated))
        state = *updated;
      result = updated;
    }
    if (failed(result))
      return failure();
  }
  if (state == access.state)
    return success();
  OpBuilder b(func.getBody().front().getTerminator());
  auto store = bufferization::MaterializeInDestinationOp::create(
      b, state.getLoc(), state, access.stateBuffer);
  store.setRestrict(true);
  store.setWritable(true);
  return success();
}
