//===- Widen.cpp - the f64 copy of a lowered function for gradcheck -------===//
//
// Finite differences need the loss in float64. Rather than teach every
// lowering pattern a second element type, the f32 lowering of @loss is
// retyped wholesale: after lowering, every op involved (linalg, arith, math,
// tensor) is polymorphic in its float type; only constants carry it in an
// attribute.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

using namespace mlir;

namespace {
Type widen(Type type) {
  Type f64 = Float64Type::get(type.getContext());
  if (type.isF32())
    return f64;
  if (auto shaped = dyn_cast<ShapedType>(type))
    if (shaped.getElementType().isF32())
      return shaped.clone(f64);
  return type;
}

Attribute widenAttr(Attribute attr) {
  if (auto f = dyn_cast<FloatAttr>(attr); f && f.getType().isF32())
    return FloatAttr::get(widen(f.getType()), f.getValueAsDouble());
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr);
      dense && dense.getElementType().isF32()) {
    SmallVector<double> values;
    for (APFloat v : dense.getValues<APFloat>())
      values.push_back(v.convertToDouble());
    return DenseElementsAttr::get(cast<ShapedType>(widen(dense.getType())),
                                  ArrayRef<double>(values));
  }
  return attr;
}
} // namespace

void nnc::widenToF64(func::FuncOp func, ArrayRef<unsigned> keepF32) {
  func.walk([](Operation *op) {
    for (Value r : op->getResults())
      r.setType(widen(r.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(widen(arg.getType()));
    if (auto cst = dyn_cast<arith::ConstantOp>(op))
      cst.setValueAttr(cast<TypedAttr>(widenAttr(cst.getValue())));
  });
  // Conversions between f32 and f64 (wide accumulators) are now no-ops.
  func.walk([](Operation *op) {
    if (isa<arith::ExtFOp, arith::TruncFOp>(op) &&
        op->getOperand(0).getType() == op->getResult(0).getType()) {
      op->getResult(0).replaceAllUsesWith(op->getOperand(0));
      op->erase();
    }
  });
  // Arguments kept in f32 are converted once, where they become tensors.
  Block &entry = func.getBody().front();
  for (unsigned i : keepF32) {
    BlockArgument arg = entry.getArgument(i);
    auto wide = cast<MemRefType>(arg.getType());
    if (!wide.getElementType().isF64())
      continue;
    arg.setType(MemRefType::get(wide.getShape(),
                                Float32Type::get(func.getContext())));
    for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
      auto toTensor = dyn_cast<bufferization::ToTensorOp>(user);
      if (!toTensor)
        continue;
      auto wideTensor = cast<RankedTensorType>(toTensor.getType());
      Value narrow = toTensor.getResult();
      narrow.setType(RankedTensorType::get(wideTensor.getShape(),
                                           Float32Type::get(func.getContext())));
      OpBuilder b(toTensor->getContext());
      b.setInsertionPointAfter(toTensor);
      Value converted = buildElementwise(
          b, toTensor.getLoc(), wideTensor, narrow,
          [&](OpBuilder &b, Location loc, ValueRange args) {
            return arith::ExtFOp::create(b, loc, b.getF64Type(), args[0]);
          });
      narrow.replaceAllUsesExcept(converted, converted.getDefiningOp());
    }
  }
  func.setFunctionType(FunctionType::get(func.getContext(),
                                         entry.getArgumentTypes(), {}));
}
