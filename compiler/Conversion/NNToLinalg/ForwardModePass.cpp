//===- ForwardModePass.cpp - nn-forward-mode ------------------------------===//
//
// Exposes differentiateForward on plain functions, so that lit tests can
// check the tangent of small linalg inputs directly.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/ForwardMode.h"
#include "compiler/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace nnc {
#define GEN_PASS_DEF_NNFORWARDMODEPASS
#include "compiler/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;
using namespace nnc;

namespace {
/// @f_jvp(args..., tangents of float args...) -> (results..., tangents of
/// float results...), a copy of `f` differentiated in forward mode.
LogicalResult addJvp(func::FuncOp f) {
  OpBuilder b(f);
  b.setInsertionPointAfter(f);
  FunctionType type = f.getFunctionType();
  SmallVector<Type> inputs(type.getInputs()), results(type.getResults());
  llvm::append_range(
      inputs, llvm::make_filter_range(type.getInputs(), nnc::hasTangentType));
  llvm::append_range(
      results, llvm::make_filter_range(type.getResults(), nnc::hasTangentType));
  auto jvp =
      func::FuncOp::create(b, f.getLoc(), (f.getSymName() + "_jvp").str(),
                           b.getFunctionType(inputs, results));
  Block *entry = jvp.addEntryBlock();
  IRMapping mapping;
  TangentMap tangents;
  unsigned next = type.getNumInputs();
  for (auto [i, arg] : llvm::enumerate(f.getArguments())) {
    mapping.map(arg, entry->getArgument(i));
    if (nnc::hasTangentType(arg.getType()))
      tangents[entry->getArgument(i)] = entry->getArgument(next++);
  }
  b.setInsertionPointToStart(entry);
  for (Operation &op : f.getBody().front())
    b.clone(op, mapping);
  if (failed(differentiateForward(*entry, tangents))) {
    jvp.erase();
    return failure();
  }
  auto ret = cast<func::ReturnOp>(entry->getTerminator());
  SmallVector<Value> values(ret.getOperands());
  b.setInsertionPoint(ret);
  for (Value v : ret.getOperands())
    if (nnc::hasTangentType(v.getType())) {
      Value t = tangents.lookup(v);
      values.push_back(t ? t : nnc::zeroTangent(b, ret.getLoc(), v.getType()));
    }
  ret.getOperandsMutable().assign(values);
  return success();
}

struct NNForwardModePass : nnc::impl::NNForwardModePassBase<NNForwardModePass> {
  void runOnOperation() override {
    for (auto f : llvm::to_vector(getOperation().getOps<func::FuncOp>()))
      if (!f.isDeclaration() && failed(addJvp(f)))
        return signalPassFailure();
  }
};
} // namespace
