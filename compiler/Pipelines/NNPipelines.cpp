//===- NNPipelines.cpp - the nn stages of nnc -----------------------------===//

#include "compiler/Pipelines/Pipelines.h"

#include "compiler/Backends/Common/Passes.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/NN/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"

void nnc::buildNNTrainingPipeline(mlir::OpPassManager &pm,
                                  const NNTrainingOptions &options) {
  pm.addPass(mlir::nn::createNNVerifyModelPass());
  if (options.fuseBatchNorm)
    pm.addPass(mlir::nn::createNNFuseBatchNormPass());
  pm.addPass(mlir::nn::createNNAutodiffPass());
  pm.addPass(mlir::nn::createNNOptimizerPass());
  if (options.foldBatchNorm)
    pm.addPass(mlir::nn::createNNFoldBatchNormPass());
}

void nnc::buildNNToLinalgPipeline(mlir::OpPassManager &pm,
                                  const NNPipelineOptions &options) {
  nnc::NNLowerToLinalgPassOptions lowering;
  lowering.gradcheck = options.gradcheck;
  lowering.hessian = options.hessian;
  pm.addPass(nnc::createNNLowerToLinalgPass(lowering));
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  // Before tiling folds the parameter slices into vector transfers of the
  // whole state: one alias set per parameter instead of one for the state
  // keeps the bufferization analysis about linear in the model's depth.
  pm.addNestedPass<mlir::func::FuncOp>(nnc::createSplitBufferSlicesPass());
}

namespace {
struct NNTrainingPipelineOptions
    : mlir::PassPipelineOptions<NNTrainingPipelineOptions> {
  Option<bool> fuseBatchNorm{*this, "fuse-batchnorm",
                             llvm::cl::desc("Run nn-fuse-batchnorm"),
                             llvm::cl::init(true)};
  Option<bool> foldBatchNorm{*this, "fold-batchnorm",
                             llvm::cl::desc("Run nn-fold-batchnorm"),
                             llvm::cl::init(true)};
};

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
  mlir::PassPipelineRegistration<NNTrainingPipelineOptions>(
      "nn-training", "nn model -> training step and prediction functions",
      [](mlir::OpPassManager &pm, const NNTrainingPipelineOptions &opts) {
        buildNNTrainingPipeline(pm, {opts.fuseBatchNorm, opts.foldBatchNorm});
      });
  mlir::PassPipelineRegistration<NNToLinalgPipelineOptions>(
      "nn-to-linalg", "nn functions -> linalg on tensors with the model ABI",
      [](mlir::OpPassManager &pm, const NNToLinalgPipelineOptions &opts) {
        buildNNToLinalgPipeline(pm, {opts.gradcheck, opts.hessian});
      });
}
