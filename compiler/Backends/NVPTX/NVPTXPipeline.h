//===- NVPTXPipeline.h - linalg on tensors to PTX and host code -*- C++ -*-===//

#ifndef NNC_BACKENDS_NVPTX_NVPTXPIPELINE_H
#define NNC_BACKENDS_NVPTX_NVPTXPIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace nnc {
struct NVPTXOptions {
  /// GPU architecture (`sm_90`); the PTX runs there and on later ones.
  std::string chip = "sm_90";
  /// PTX ISA version: ptxFeatureFor(chip).
  std::string features = "+ptx80";
  /// libdevice bitcode to link (exp, log, tanh, ...); empty: none, and
  /// kernels using such functions keep unresolved `__nv_*` calls.
  std::string libdevice;
  /// Also compile the kernels for the host, for tools/cuda-emulator (tests
  /// of the GPU pipeline without a GPU).
  bool emulate = false;
  /// With `emulate`: the emulated kernels report every memory access to the
  /// emulator's race check.
  bool raceCheck = false;
  /// Matmuls on the tensor cores in TF32 (PyTorch's allow_tf32); false:
  /// f32 multiply-adds, rounding as the CPU does.
  bool tf32 = true;
};

/// linalg/tensor ABI functions -> LLVM dialect host code launching kernels,
/// plus a `gpu.binary` holding their PTX. Pipeline name: `nnc-nvptx-codegen`.
void buildNVPTXCodegenPipeline(mlir::OpPassManager &pm,
                               const NVPTXOptions &options);

/// Writes the PTX of every `gpu.binary` of `module` (after
/// buildNVPTXCodegenPipeline) to `os`. Fails when there is none.
mlir::LogicalResult printPTX(mlir::ModuleOp module, llvm::raw_ostream &os);

/// The PTX of the one `gpu.binary` of `module` (after
/// buildNVPTXCodegenPipeline, which puts every kernel into one); failure when
/// there is no such binary or several.
mlir::FailureOr<llvm::StringRef> getKernelPTX(mlir::ModuleOp module);

/// Whether LLVM's NVPTX backend knows the GPU architecture `chip` (sm_90).
bool isNVPTXArchitecture(llvm::StringRef chip);

/// NVPTXOptions::features for `chip`: the PTX ISA version it needs, at least
/// 8.0.
std::string ptxFeatureFor(llvm::StringRef chip);

/// The libdevice bitcode of the CUDA toolkit at `cudaPath`; empty `cudaPath`
/// means $CUDA_HOME, $CUDA_PATH, the toolkit of `ptxas` on PATH, then
/// /usr/local/cuda and /usr/lib/cuda, the first that has both libdevice and
/// ptxas first. Returns an empty string when none exists.
std::string findLibdevice(llvm::StringRef cudaPath);

/// ptxas of the CUDA toolkit at `cudaPath`, searched as findLibdevice
/// searches libdevice. Empty when there is none.
std::string findPtxas(llvm::StringRef cudaPath);

void registerNVPTXPipelines(mlir::DialectRegistry &registry);
} // namespace nnc

#endif // NNC_BACKENDS_NVPTX_NVPTXPIPELINE_H
