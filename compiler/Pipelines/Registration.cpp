//===- Registration.cpp - dialects and passes nnc knows -------------------===//

#include "compiler/Pipelines/Registration.h"

#include "compiler/Backends/CPU/CPUPipeline.h"
#include "compiler/Backends/Common/Passes.h"
#include "compiler/Backends/NVPTX/NVPTXPipeline.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Pipelines/Pipelines.h"
#include "dialects/NN/IR/NNOps.h"
#include "dialects/NN/Transforms/Passes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void nnc::registerAll(mlir::DialectRegistry &registry) {
  registry.insert<mlir::nn::NNDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  mlir::nn::registerNNPasses();
  registerNNCConversionPasses();
  registerNNPipelines();
  registerCommonPasses();
  registerCPUPipelines();
  registerNVPTXPipelines(registry);
}
