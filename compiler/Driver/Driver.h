//===- Driver.h - nnc: model.mlir -> executable -----------------*- C++ -*-===//
//
// The whole compiler behind `nnc`: parse, the nn pipelines, a backend, an
// object file, and the link with libnnrt. `tools/nnc` only forwards its
// command line here.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DRIVER_DRIVER_H
#define NNC_DRIVER_DRIVER_H

#include <optional>
#include <string>

namespace nnc {
/// The stage whose result `nnc` writes.
enum class EmitKind {
  NN,     ///< nn dialect after the training pipeline (autodiff, optimizer).
  Linalg, ///< linalg on tensors with the ABI entry points.
  PTX,    ///< PTX assembly of the kernels (--target=nvptx only).
  LLVM,   ///< LLVM IR text, optimized for the target CPU.
  Object, ///< object file defining the symbols of nnrt.h.
  Exe,    ///< the object linked with libnnrt.
};

enum class TargetKind { CPU, NVPTX };

struct DriverOptions {
  std::string inputFile = "-";
  /// Not given: stdout for text, `a.out` for executables, `<input>.o` for
  /// objects. Given empty: an error.
  std::optional<std::string> outputFile;
  EmitKind emit = EmitKind::Exe;
  TargetKind target = TargetKind::CPU;
  /// Also compile the gradient-check entry points (docs/abi.md).
  bool gradcheck = false;
  /// Fuse training BatchNorm with its activation (nn-fuse-batchnorm).
  bool fuseBatchNorm = true;
  /// Fold inference BatchNorm into the layer before it (nn-fold-batchnorm).
  bool foldBatchNorm = true;
  /// Also emit nnc_hvp (Hessian-vector products, docs/curvature.md).
  bool hessian = false;
  /// LLVM CPU name (`-mcpu`); empty: the host CPU and its features.
  std::string cpu;
  /// --target=nvptx: the GPU architecture of the PTX.
  std::string gpuArch = "sm_90";
  /// --target=nvptx: the CUDA toolkit whose libdevice is linked; empty:
  /// found as findLibdevice (compiler/Backends/NVPTX) says.
  std::string cudaPath;
  /// --target=nvptx: also link the kernels' machine code for `gpuArch`,
  /// assembled by the toolkit's ptxas (compiler/Backends/NVPTX/Sass.h).
  bool gpuSass = true;
  /// --gpu-sass given explicitly: a ptxas that fails stops the compile
  /// (otherwise a warning, and PTX only).
  bool gpuSassRequired = false;
  /// --target=nvptx: also compile the kernels for the host, so that
  /// tools/cuda-emulator can run the model without a GPU (tests).
  bool gpuEmulate = false;
  /// --gpu-emulate: every memory access of an emulated kernel goes through
  /// the emulator's race check.
  bool gpuRaceCheck = false;
  /// --target=nvptx: matmuls on the tensor cores in TF32 (--gpu-matmul=tf32,
  /// the default) or in f32 multiply-adds (--gpu-matmul=fp32).
  bool gpuTF32 = true;
  /// Path of libnnrt.a; empty: `<dir of nnc>/../lib/libnnrt.a`.
  std::string runtimeLib;
  /// Threads (and object files) of the executable's code generation; 0:
  /// one per core; at most kMaxCodegenThreads.
  unsigned codegenThreads = 0;
  static constexpr unsigned kMaxCodegenThreads = 256;
};

/// Compiles as `options` say; diagnostics go to stderr. Writes the output
/// only when every step succeeded. Returns the process exit code. `argv0` is
/// used to find libnnrt next to the nnc executable.
int runDriver(const DriverOptions &options, const char *argv0);

/// `main` of nnc: parses the command line and calls runDriver.
int nncMain(int argc, char **argv);
} // namespace nnc

#endif // NNC_DRIVER_DRIVER_H
