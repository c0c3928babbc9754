//===- FuseBatchNorm.cpp - BatchNorm + activation as one op for training --===//
//
// Runs before autodiff, so that the fused op's own gradient rule (one
// reduction pass and one elementwise pass) replaces BatchNorm's and the
// activation's, and the forward makes two passes over the data instead of
// four (mean, variance, normalize, activate).
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/IR/NNOps.h"
#include "dialects/NN/Transforms/Passes.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNFUSEBATCHNORMPASS
#include "dialects/NN/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn;

namespace {
/// The activation that `op` computes and its alpha, if it is one.
std::optional<std::pair<Activation, float>> activationOf(Operation *op) {
  if (isa<ReluOp>(op))
    return std::pair{Activation::relu, 0.0f};
  if (isa<SigmoidOp>(op))
    return std::pair{Activation::sigmoid, 0.0f};
  if (isa<TanhOp>(op))
    return std::pair{Activation::tanh, 0.0f};
  if (auto leaky = dyn_cast<LeakyReluOp>(op))
    return std::pair{Activation::leaky_relu, leaky.getAlpha().convertToFloat()};
  if (auto elu = dyn_cast<EluOp>(op))
    return std::pair{Activation::elu, elu.getAlpha().convertToFloat()};
  return std::nullopt;
}

void fuse(BatchNormOp bn) {
  OpBuilder b(bn);
  Operation *act = nullptr;
  std::optional<std::pair<Activation, float>> kind;
  if (bn->hasOneUse()) {
    act = *bn->user_begin();
    kind = activationOf(act);
  }
  auto fused = BatchNormActOp::create(
      b, bn.getLoc(), bn.getInput(), bn.getWeightAttr(), bn.getBiasAttr(),
      bn.getRunningMeanAttr(), bn.getRunningVarAttr(),
      kind ? ActivationAttr::get(b.getContext(), kind->first) : nullptr,
      b.getF32FloatAttr(kind ? kind->second : 0.0f), bn.getEpsilonAttr(),
      bn.getMomentumAttr(), bn.getTrainingAttr());
  if (kind) {
    act->getResult(0).replaceAllUsesWith(fused.getOutput());
    act->erase();
  }
  bn.getOutput().replaceAllUsesWith(fused.getOutput());
  bn.erase();
}

struct NNFuseBatchNormPass
    : nn::impl::NNFuseBatchNormPassBase<NNFuseBatchNormPass> {
  void runOnOperation() override {
    for (ModelOp model : getOperation().getOps<ModelOp>())
      if (ForwardOp forward = model.getForward())
        for (auto bn :
             llvm::make_early_inc_range(forward.getBody().getOps<BatchNormOp>()))
          fuse(bn);
  }
};
} // namespace
