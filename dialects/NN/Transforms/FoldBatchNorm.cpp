//===- FoldBatchNorm.cpp - inference BatchNorm into the layer before it ---===//
//
// In @predict BatchNorm is an affine map per channel with constant
// coefficients, so it can move into the weights of the dense or conv2d that
// feeds it: the normalization pass over the activations disappears, and the
// folded weights cost one pass over the (much smaller) weights per call.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/IR/NNOps.h"
#include "dialects/NN/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNFOLDBATCHNORMPASS
#include "dialects/NN/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn;

namespace {
/// The dense or conv2d that only `bn` reads and whose weight is a
/// parameter (a weight-normalized weight would undo the scaling), or null.
Operation *foldableLayer(Value bnInput) {
  Operation *layer = bnInput.getDefiningOp();
  if (!layer || !bnInput.hasOneUse())
    return nullptr;
  if (auto dense = dyn_cast<DenseOp>(layer))
    return dense.getWeightAttr() ? layer : nullptr;
  if (auto conv = dyn_cast<Conv2dOp>(layer))
    return conv.getWeightAttr() ? layer : nullptr;
  return nullptr;
}

/// Replaces `bn` (nn.batch_norm or nn.batch_norm_act in inference) and the
/// layer before it with the layer on folded weights and a bias add (with
/// the fused activation, if any).
template <typename BatchNormTy>
void fold(BatchNormTy bn, Operation *layer) {
  OpBuilder b(layer);
  Location loc = layer->getLoc();
  auto weightAttr = layer->getAttrOfType<FlatSymbolRefAttr>("weight");
  auto biasAttr = layer->getAttrOfType<FlatSymbolRefAttr>("bias");
  auto weightType = lookupParam(layer, weightAttr).getTensorType();
  Value weight = ReadParamOp::create(b, loc, weightType, weightAttr);
  Value bias;
  auto biasType = RankedTensorType::get({weightType.getDimSize(0)},
                                        weightType.getElementType());
  if (biasAttr)
    bias = ReadParamOp::create(b, loc, biasType, biasAttr);
  auto folded = BatchNormFoldOp::create(
      b, bn.getLoc(), weightType, biasType, weight, bias, bn.getWeightAttr(),
      bn.getBiasAttr(), bn.getRunningMeanAttr(), bn.getRunningVarAttr(),
      bn.getEpsilonAttr());
  // The same layer on the folded weight, without its bias.
  Operation *newLayer = b.clone(*layer);
  newLayer->removeAttr("weight");
  newLayer->removeAttr("bias");
  // Both layers take (input, weight_value?) as operands.
  newLayer->insertOperands(1, folded.getFoldedWeight());
  // The fused activation, if any, goes with the bias: one pass.
  ActivationAttr activation;
  FloatAttr alpha = b.getF32FloatAttr(0.0f);
  if constexpr (std::is_same_v<BatchNormTy, BatchNormActOp>) {
    activation = bn.getActivationAttr();
    alpha = bn.getAlphaAttr();
  }
  Value y = BiasAddOp::create(b, loc, newLayer->getResult(0),
                              folded.getFoldedBias(), activation, alpha);
  bn.getOutput().replaceAllUsesWith(y);
  bn.erase();
  layer->erase();
}

template <typename BatchNormTy>
void foldAll(func::FuncOp predict) {
  for (auto bn : llvm::to_vector(predict.getOps<BatchNormTy>()))
    if (!bn.getTraining())
      if (Operation *layer = foldableLayer(bn.getInput()))
        fold(bn, layer);
}

struct NNFoldBatchNormPass
    : nn::impl::NNFoldBatchNormPassBase<NNFoldBatchNormPass> {
  void runOnOperation() override {
    for (ModelOp model : getOperation().getOps<ModelOp>()) {
      auto predict = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          model, StringAttr::get(&getContext(), "predict"));
      if (!predict)
        continue;
      foldAll<BatchNormOp>(predict);
      foldAll<BatchNormActOp>(predict);
    }
  }
};
} // namespace
