//===- CPUPipeline.cpp - linalg on tensors to LLVM for the host -----------===//

#include "compiler/Backends/CPU/CPUPipeline.h"
#include "compiler/Backends/Common/SharedPasses.h"

#include "compiler/Backends/CPU/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Tensors to buffers; static temporaries become globals.
static void addBufferization(OpPassManager &pm) {
  nnc::addInPlaceBufferization(pm);
  // Drops the self-copies that in-place bufferization leaves behind.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(nnc::cpu::createCPUStaticBuffersPass());
  bufferization::buildBufferDeallocationPipeline(pm);
}

/// Buffers, vectors and loops to the LLVM dialect, with the bare-pointer
/// calling convention of runtime/include/nnrt/nnrt.h.
static void addLoweringToLLVM(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(nnc::cpu::createCPUApproximateMathPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  nnc::addBarePointerLLVMLowering(pm);
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void nnc::buildCPUCodegenPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  OpPassManager &tensorPm = pm.nest<func::FuncOp>();
  tensorPm.addPass(cpu::createCPUFuseElementwisePass());
  tensorPm.addPass(cpu::createCPUTransposeRHSPass());
  tensorPm.addPass(cpu::createCPUSplitReductionsPass());
  tensorPm.addPass(cpu::createCPUParallelizePass());
  tensorPm.addPass(cpu::createCPUTileAndVectorizePass());
  tensorPm.addPass(createCSEPass());

  addBufferization(pm);

  OpPassManager &vectorPm = pm.nest<func::FuncOp>();
  vectorPm.addPass(cpu::createCPULowerVectorsPass());
  vectorPm.addPass(createCanonicalizerPass());
  vectorPm.addPass(createCSEPass());
  pm.addPass(cpu::createCPUOutlineParallelPass());

  addLoweringToLLVM(pm);
}

void nnc::registerCPUPipelines() {
  cpu::registerCPUPasses();
  PassPipelineRegistration<>(
      "nnc-cpu-codegen", "linalg on tensors -> LLVM dialect for the host CPU",
      [](OpPassManager &pm) { buildCPUCodegenPipeline(pm); });
}
