//===- Optimizer.cpp - SGD with clipping and noise as part of the step ----===//

#include "dialects/NN/IR/NNOps.h"
#include "dialects/NN/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNOPTIMIZERPASS
#include "dialects/NN/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn;

namespace {
/// min(1, clip / (norm + 1e-6)) when clip > 0, else 1: exactly PyTorch's
/// clip_grad_norm_ coefficient.
Value buildClipScale(OpBuilder &b, Location loc, Value norm, Value clip) {
  Type f32 = b.getF32Type();
  auto cst = [&](float v) {
    return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(v));
  };
  Value one = cst(1.0f);
  Value n = tensor::ExtractOp::create(b, loc, norm, ValueRange{});
  Value denom = arith::AddFOp::create(b, loc, n, cst(1e-6f));
  Value ratio = arith::DivFOp::create(b, loc, clip, denom);
  Value clipped = arith::MinimumFOp::create(b, loc, ratio, one);
  Value enabled = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                        clip, cst(0.0f));
  return arith::SelectOp::create(b, loc, enabled, clipped, one);
}

LogicalResult buildTrainStep(ModelOp model) {
  auto gradient = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      model, StringAttr::get(model.getContext(), "gradient"));
  if (!gradient)
    return model.emitOpError("has no @gradient: run nn-autodiff first");
  OpBuilder b(gradient);
  b.setInsertionPointAfter(gradient);
  auto step = cast<func::FuncOp>(b.clone(*gradient));
  step.setSymName("train_step");
  step->removeAttr(NNDialect::kParamsAttrName);

  Block &body = step.getBody().front();
  Location loc = step.getLoc();
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  Value lr = body.addArgument(f32, loc), clip = body.addArgument(f32, loc),
        noise = body.addArgument(f32, loc), seed = body.addArgument(i64, loc),
        counter = body.addArgument(i64, loc);

  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value loss = ret.getOperand(0), output = ret.getOperand(1);
  auto grads = ret.getOperands().drop_front(2);
  auto params = gradient->getAttrOfType<ArrayAttr>(NNDialect::kParamsAttrName);

  b.setInsertionPoint(ret);
  auto scalar = RankedTensorType::get({}, f32);
  Value norm = GlobalNormOp::create(b, loc, scalar, grads, params);
  Value scale = buildClipScale(b, loc, norm, clip);
  // The noise stream of a parameter is its ordinal in the model, so that
  // freezing one parameter does not change the noise of the others.
  DenseMap<StringAttr, int64_t> ordinal;
  for (auto [i, param] : llvm::enumerate(model.getParams()))
    ordinal[param.getSymNameAttr()] = i;
  for (auto [g, p] : llvm::zip(grads, params)) {
    auto sym = cast<FlatSymbolRefAttr>(p);
    SgdUpdateOp::create(b, loc, sym, g, scale, lr, noise, seed, counter,
                        b.getI64IntegerAttr(ordinal.lookup(sym.getAttr())));
  }
  // Running statistics follow the parameter updates, so that every read of
  // the step's state comes before the first write.
  auto updateStats = [&](auto bn, bool singlePass) {
    BatchNormUpdateStatsOp::create(
        b, bn.getLoc(), bn.getInput(), bn.getRunningMeanAttr(),
        bn.getRunningVarAttr(), bn.getMomentumAttr(),
        singlePass ? b.getUnitAttr() : nullptr);
  };
  body.walk([&](Operation *op) {
    if (auto bn = dyn_cast<BatchNormOp>(op))
      updateStats(bn, false);
    else if (auto fused = dyn_cast<BatchNormActOp>(op))
      updateStats(fused, true);
  });
  func::ReturnOp::create(b, ret.getLoc(), ValueRange{loss, norm, output});
  ret.erase();
  step.setFunctionType(b.getFunctionType(
      body.getArgumentTypes(), {loss.getType(), scalar, output.getType()}));
  return success();
}

struct NNOptimizerPass : nn::impl::NNOptimizerPassBase<NNOptimizerPass> {
  void runOnOperation() override {
    for (ModelOp model : getOperation().getOps<ModelOp>())
      if (failed(buildTrainStep(model)))
        return signalPassFailure();
  }
};
} // namespace
