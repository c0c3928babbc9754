//===- NNPipelines.cpp - the nn stages of nnc -----------------------------===//

#include "compiler/Pipelines/Pipelines.h"

#include "compiler/Conversion/Passes.h"
#include "dialects/NN/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"

void nnc::buildNNTrainingPipeline(mlir::OpPassManager &pm) {
  pm.addPass(mlir::nn::createNNVerifyModelPass());
  pm.addPass(mlir::nn::createNNAutodiffPass());
  pm.addPass(mlir::nn::createNNOptimizerPass());
}

void nnc::buildNNToLinalgPipeline(mlir::OpPassManager &pm,
                                  const NNPipelineOptions &options) {
  nnc::NNLowerToLinalgPassOptions lowering;
  lowering.gradcheck = options.gradcheck;
  lowering.hessian = options.hessian;
  pm.addPass(nnc::createNNLowerToLinalgPass(lowering));
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

namespace {
struct NNToLinalgPipelineOptions
    : mlir::PassPipelineOptions<NNToLinalgPipelineOptions> {
  Option<bool> gradcheck{*this, "gradcheck",
                         llvm::cl::desc("Also emit nnc_gradient and "
                                        "nnc_loss_f64 (./model gradcheck)"),
                         llvm::cl::init(false)};
  Option<bool> hessian{*this, "hessian",
                       llvm::cl::desc("Also emit nnc_hvp (Hessian-vector "
                                      "products)"),
                       llvm::cl::init(false)};
};
} // namespace

void nnc::registerNNPipelines() {
  mlir::PassPipelineRegistration<>(
      "nn-training", "nn model -> training step and prediction functions",
      [](mlir::OpPassManager &pm) { buildNNTrainingPipeline(pm); });
  mlir::PassPipelineRegistration<NNToLinalgPipelineOptions>(
      "nn-to-linalg", "nn functions -> linalg on tensors with the model ABI",
      [](mlir::OpPassManager &pm, const NNToLinalgPipelineOptions &opts) {
        buildNNToLinalgPipeline(pm, {opts.gradcheck, opts.hessian});
      });
}
