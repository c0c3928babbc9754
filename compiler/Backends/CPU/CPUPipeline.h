//===- CPUPipeline.h - linalg on tensors to LLVM for the host ---*- C++ -*-===//

#ifndef NNC_BACKENDS_CPU_CPUPIPELINE_H
#define NNC_BACKENDS_CPU_CPUPIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace nnc {
/// linalg/tensor ABI functions -> LLVM dialect, tiled and vectorized for the
/// host. Pipeline name: `nnc-cpu-codegen`.
void buildCPUCodegenPipeline(mlir::OpPassManager &pm);

void registerCPUPipelines();
} // namespace nnc

#endif // NNC_BACKENDS_CPU_CPUPIPELINE_H
