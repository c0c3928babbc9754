//===- HessianVectorProduct.cpp - nnc_hvp, forward over reverse -----------===//
//
// H·v is the directional derivative of the gradient along v. nnc_hvp is a
// copy of the lowered nnc_gradient (the reverse pass nn-autodiff derived)
// differentiated in forward mode with the state's tangent set to v: its
// stored gradient becomes the gradient's tangent, H·v. The loss is not
// needed and its store is dropped.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/HessianVectorProduct.h"
#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/ForwardMode.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace {
// nnc_gradient(state, x, y, loss, grads), docs/abi.md.
enum GradientArg { State, X, Y, Loss, Grads };
} // namespace

LogicalResult nnc::buildHessianVectorProduct(func::FuncOp gradient) {
  Location loc = gradient.getLoc();
  OpBuilder b(gradient);
  b.setInsertionPointAfter(gradient);
  auto types = gradient.getArgumentTypes();
  // nnc_hvp(state, x, y, v, hv): v and hv have the state's layout.
  auto hvp = func::FuncOp::create(
      b, loc, "nnc_hvp",
      b.getFunctionType(
          {types[State], types[X], types[Y], types[State], types[Grads]}, {}));
  Block *entry = hvp.addEntryBlock();
  Value v = entry->getArgument(3), hv = entry->getArgument(4);
  IRMapping mapping;
  for (GradientArg arg : {State, X, Y})
    mapping.map(gradient.getArgument(arg), entry->getArgument(arg));
  mapping.map(gradient.getArgument(Grads), hv);
  b.setInsertionPointToStart(entry);
  for (Operation &op : gradient.getBody().front()) {
    auto store = dyn_cast<bufferization::MaterializeInDestinationOp>(op);
    if (store && store.getDest() == gradient.getArgument(Loss))
      continue;
    b.clone(op, mapping);
  }

  // The state's tangent is v, wherever the state is read.
  TangentMap tangents;
  Value state = entry->getArgument(State);
  for (Operation *user : llvm::to_vector(state.getUsers()))
    if (auto read = dyn_cast<bufferization::ToTensorOp>(user)) {
      b.setInsertionPointAfter(read);
      tangents[read] = bufferization::ToTensorOp::create(
          b, read.getLoc(), read.getType(), v, /*restrict=*/true,
          /*writable=*/false);
    }
  if (failed(differentiateForward(*entry, tangents))) {
    hvp.erase();
    return failure();
  }
  for (auto store : llvm::to_vector(
           entry->getOps<bufferization::MaterializeInDestinationOp>())) {
    if (store.getDest() != hv)
      continue;
    Value grads = store.getSource();
    Value hvTensor = tangents.lookup(grads);
    if (!hvTensor) {
      // A gradient that does not depend on the parameters: H = 0.
      b.setInsertionPoint(store);
      hvTensor =
          filledTensor(b, loc, cast<RankedTensorType>(grads.getType()), 0.0);
    }
    store.getSourceMutable().assign(hvTensor);
  }
  return success();
}
