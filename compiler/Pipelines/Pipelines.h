//===- Pipelines.h - the named stages of nnc --------------------*- C++ -*-===//
//
// `nnc` runs these in order; `nnc-opt --<name>` reproduces each one.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_PIPELINES_PIPELINES_H
#define NNC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace nnc {
struct NNPipelineOptions {
  /// Also emit `nnc_gradient` and `nnc_loss_f64` (docs/abi.md) for
  /// `./model gradcheck`.
  bool gradcheck = false;
  /// Also emit `nnc_hvp`, Hessian-vector products (docs/curvature.md).
  bool hessian = false;
};

struct NNTrainingOptions {
  /// nn-fuse-batchnorm: BatchNorm and its activation in fused loops.
  bool fuseBatchNorm = true;
  /// nn-fold-batchnorm: inference BatchNorm folded into the layer before it.
  bool foldBatchNorm = true;
};

/// nn model -> nn training step and prediction functions (verify, fuse
/// BatchNorm, autodiff, optimizer, fold BatchNorm in @predict). Pipeline
/// name: `nn-training`.
void buildNNTrainingPipeline(mlir::OpPassManager &pm,
                             const NNTrainingOptions &options = {});

/// nn functions -> linalg/tensor/arith/math on tensors, with the ABI entry
/// points of docs/abi.md. Pipeline name: `nn-to-linalg`.
void buildNNToLinalgPipeline(mlir::OpPassManager &pm,
                             const NNPipelineOptions &options = {});

void registerNNPipelines();
} // namespace nnc

#endif // NNC_PIPELINES_PIPELINES_H
