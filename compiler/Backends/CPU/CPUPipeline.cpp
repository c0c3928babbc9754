//===- CPUPipeline.cpp - linalg on tensors to LLVM for the host -----------===//

#include "compiler/Backends/CPU/CPUPipeline.h"

#include "mlir/Pass/PassRegistry.h"

void nnc::buildCPUCodegenPipeline(mlir::OpPassManager &pm) {}

void nnc::registerCPUPipelines() {
  mlir::PassPipelineRegistration<>(
      "nnc-cpu-codegen", "linalg on tensors -> LLVM dialect for the host CPU",
      [](mlir::OpPassManager &pm) { buildCPUCodegenPipeline(pm); });
}
