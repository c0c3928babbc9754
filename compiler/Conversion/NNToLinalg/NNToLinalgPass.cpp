//===- NNToLinalgPass.cpp - nn-lower-to-linalg ----------------------------===//

#include "compiler/Conversion/NNToLinalg/EntryPoints.h"
#include "compiler/Conversion/NNToLinalg/HessianVectorProduct.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc {
#define GEN_PASS_DEF_NNLOWERTOLINALGPASS
#include "compiler/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;
using namespace mlir::nn;

namespace {
FailureOr<nnc::ModelFunctions> findFunctions(ModelOp model, bool gradcheck) {
  nnc::ModelFunctions funcs;
  auto find = [&](StringRef name, func::FuncOp &slot) {
    slot = dyn_cast_or_null<func::FuncOp>(SymbolTable::lookupSymbolIn(
        model, StringAttr::get(model.getContext(), name)));
    return bool(slot);
  };
  if (!find("train_step", funcs.trainStep) || !find("predict", funcs.predict) ||
      !find("loss", funcs.loss) || !find("gradient", funcs.gradient))
    return model.emitOpError("lacks @train_step, @predict, @loss or "
                             "@gradient: run nn-autodiff and nn-optimizer "
                             "first");
  return funcs;
}

struct NNLowerToLinalgPass
    : nnc::impl::NNLowerToLinalgPassBase<NNLowerToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto models = llvm::to_vector(module.getOps<ModelOp>());
    if (models.size() != 1) {
      module.emitError("expected exactly one nn.model, found ")
          << models.size();
      return signalPassFailure();
    }
    ModelOp model = models.front();
    auto funcs = findFunctions(model, gradcheck);
    if (failed(funcs))
      return signalPassFailure();
    nnc::StateLayout layout = nnc::StateLayout::compute(model);
    auto manifest = nnc::buildManifest(model, layout, *funcs, gradcheck);
    if (failed(manifest))
      return signalPassFailure();
    // nnc_hvp is derived from nnc_gradient once that is lowered.
    if (hessian)
      *manifest += "hvp 1\n";
    nnc::emitManifestGlobal(module, *manifest);
    auto entries = nnc::buildEntryPoints(module, layout, *funcs, gradcheck);
    if (failed(entries))
      return signalPassFailure();
    if (hessian && !gradcheck) {
      auto gradient = nnc::buildGradientEntry(module, layout, funcs->gradient);
      if (failed(gradient))
        return signalPassFailure();
      entries->push_back(*gradient);
    }
    model.erase();

    nnc::markSharedArgmax(module);
    nnc::markBiasAfterSum(module);
    RewritePatternSet patterns(&getContext());
    nnc::populateLinearLoweringPatterns(patterns);
    nnc::populateElementwiseLoweringPatterns(patterns);
    nnc::populateLossLoweringPatterns(patterns);
    nnc::populateShapeLoweringPatterns(patterns);
    nnc::populateConvLoweringPatterns(patterns, layout);
    nnc::populateNormLoweringPatterns(patterns, layout);
    nnc::populateFusedNormLoweringPatterns(patterns);
    nnc::populateWeightNormLoweringPatterns(patterns);
    nnc::populateGramLoweringPatterns(patterns, layout);
    // Only nn ops and what their lowering creates are rewritten: the entry
    // points' still unused views of the state must survive until
    // lowerStateAccesses uses them.
    SmallVector<Operation *> nnOps;
    module.walk([&](Operation *op) {
      if (isa<NNDialect>(op->getDialect()))
        nnOps.push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(nnOps, std::move(patterns), config)))
      return signalPassFailure();
    for (nnc::Entry entry : *entries) {
      if (failed(nnc::lowerStateAccesses(entry.func, layout, entry.access)))
        return signalPassFailure();
      if (entry.func.getSymName() == "nnc_loss_f64")
        nnc::widenToF64(entry.func, /*keepF32=*/{1, 2}); // x and y
    }
    if (hessian) {
      auto gradient = module.lookupSymbol<func::FuncOp>("nnc_gradient");
      if (failed(nnc::buildHessianVectorProduct(gradient)))
        return signalPassFailure();
      if (!gradcheck)
        gradient.erase();
    }
    WalkResult left = module.walk([](Operation *op) {
      if (isa<NNDialect>(op->getDialect())) {
        op->emitOpError("has no lowering to linalg");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
