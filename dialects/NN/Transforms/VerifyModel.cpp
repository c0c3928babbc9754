//===- VerifyModel.cpp - the input contract of the training passes --------===//

#include "dialects/NN/IR/NNOps.h"
#include "dialects/NN/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNVERIFYMODELPASS
#include "dialects/NN/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn;

namespace {
LogicalResult verifyModel(ModelOp model) {
  ForwardOp forward = model.getForward();
  if (!forward)
    return model.emitOpError("needs an nn.forward");
  if (model.getParams().empty())
    return model.emitOpError("declares no nn.param: there is nothing to train");
  for (Operation &op : forward.getBody().front())
    if (!isa<NNDialect>(op.getDialect()) && !isa<arith::ConstantOp>(op))
      return op.emitOpError("is not allowed in nn.forward: only nn ops and "
                            "constants are");
  auto ret = cast<ReturnOp>(forward.getBody().front().getTerminator());
  Operation *lossOp = ret.getLoss().getDefiningOp();
  if (!isa_and_nonnull<SoftmaxCrossEntropyOp, MseOp>(lossOp))
    return ret.emitOpError("loss must be computed by nn.softmax_cross_entropy "
                           "or nn.mse");
  // What eval and predict score is what the loss scores.
  if (ret.getOutput() != lossOp->getOperand(0))
    return ret.emitOpError("output must be the loss's input (the logits or "
                           "predictions that eval and predict score)");
  return success();
}

struct NNVerifyModelPass : nn::impl::NNVerifyModelPassBase<NNVerifyModelPass> {
  void runOnOperation() override {
    auto models = getOperation().getOps<ModelOp>();
    if (models.empty()) {
      getOperation().emitError("no nn.model in the input");
      return signalPassFailure();
    }
    for (ModelOp model : models)
      if (failed(verifyModel(model)))
        return signalPassFailure();
  }
};
} // namespace
