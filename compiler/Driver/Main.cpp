//===- Main.cpp - the command line of nnc ---------------------------------===//

#include "compiler/Driver/Driver.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

int nnc::nncMain(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::OptionCategory category("nnc options");
  cl::opt<std::string> input(cl::Positional, cl::desc("<model.mlir>"),
                             cl::init("-"), cl::cat(category));
  cl::opt<std::string> output(
      "o",
      cl::desc("Output file (default: a.out, <input>.o for -emit=obj, "
               "stdout for text)"),
      cl::value_desc("file"), cl::cat(category));
  cl::opt<EmitKind> emit(
      "emit", cl::desc("Stage to write"), cl::init(EmitKind::Exe),
      cl::values(
          clEnumValN(EmitKind::NN, "nn",
                     "nn dialect after the training "
                     "pipeline"),
          clEnumValN(EmitKind::Linalg, "linalg",
                     "linalg on tensors with the ABI entry points"),
          clEnumValN(EmitKind::PTX, "ptx",
                     "PTX of the kernels (with --target=nvptx)"),
          clEnumValN(EmitKind::LLVM, "llvm", "optimized LLVM IR"),
          clEnumValN(EmitKind::Object, "obj", "object file"),
          clEnumValN(EmitKind::Exe, "exe", "executable linked with libnnrt")),
      cl::cat(category));
  cl::opt<TargetKind> target(
      "target", cl::desc("Device to compile for"), cl::init(TargetKind::CPU),
      cl::values(clEnumValN(TargetKind::CPU, "cpu", "the host CPU"),
                 clEnumValN(TargetKind::NVPTX, "nvptx", "NVIDIA GPUs")),
      cl::cat(category));
  cl::opt<bool> gradcheck(
      "gradcheck",
      cl::desc("Also compile the entry points of `./model gradcheck`"),
      cl::cat(category));
  cl::opt<bool> noFuseBN(
      "no-fuse-bn",
      cl::desc("Train BatchNorm and its activation as separate ops (no "
               "nn-fuse-batchnorm), for comparison"),
      cl::cat(category));
  cl::opt<bool> noFoldBN("no-fold-bn",
                         cl::desc("Keep inference BatchNorm as its own op (no "
                                  "nn-fold-batchnorm), for comparison"),
                         cl::cat(category));
  // On by default so that `diagnose` reports the curvature of any model;
  // --no-hessian saves the compile time (30-50% more) when not wanted.
  cl::opt<bool> hessian(
      "hessian", cl::init(true),
      cl::desc("Also compile Hessian-vector products for `./model hessian`, "
               "`diagnose` and `train --hessian-every` (the default)"),
      cl::cat(category));
  cl::opt<bool> noHessian(
      "no-hessian",
      cl::desc("Leave the Hessian-vector products out (same as "
               "--hessian=false): 20-35% faster compiles"),
      cl::cat(category));
  cl::opt<std::string> cpu(
      "cpu", cl::desc("LLVM CPU name, as for -mcpu (default: the host CPU)"),
      cl::value_desc("name"), cl::cat(category));
  cl::opt<std::string> gpuArch(
      "gpu-arch",
      cl::desc("GPU architecture for --target=nvptx (default: sm_90)"),
      cl::value_desc("sm_XY"), cl::init("sm_90"), cl::cat(category));
  cl::opt<std::string> cudaPath(
      "cuda-path",
      cl::desc("CUDA toolkit whose libdevice --target=nvptx links (default: "
               "$CUDA_HOME, $CUDA_PATH, the toolkit of ptxas, "
               "/usr/local/cuda)"),
      cl::value_desc("dir"), cl::cat(category));
  cl::opt<bool> gpuSass(
      "gpu-sass",
      cl::desc("With --target=nvptx: also assemble the kernels for "
               "--gpu-arch with the toolkit's ptxas and link the machine "
               "code, which the runtime loads instead of having the driver "
               "compile the PTX at each start (the default, where a ptxas "
               "that fails, e.g. on an architecture its toolkit dropped, "
               "leaves PTX only with a warning; given explicitly, it stops "
               "the compile; --gpu-sass=false: PTX only)"),
      cl::init(true), cl::cat(category));
  cl::opt<bool> gpuEmulate(
      "gpu-emulate",
      cl::desc("With --target=nvptx: also compile the kernels for the host, "
               "so that the model runs without a GPU on the CUDA emulator "
               "(NNRT_LIBCUDA=<build>/lib/libnnc-cuda-emulator.so; tests)"),
      cl::cat(category));
  cl::opt<bool> gpuRaceCheck(
      "gpu-race-check",
      cl::desc("With --gpu-emulate: the emulator also reports threads of a "
               "launch that touch the same memory, one writing, with no "
               "barrier between them (slow; tests)"),
      cl::cat(category));
  enum class MatmulPrecision { TF32, FP32 };
  cl::opt<MatmulPrecision> gpuMatmul(
      "gpu-matmul", cl::desc("Precision of matmuls with --target=nvptx"),
      cl::values(clEnumValN(MatmulPrecision::TF32, "tf32",
                            "tensor cores, operands rounded to TF32 (10-bit "
                            "mantissa), f32 sums (default)"),
                 clEnumValN(MatmulPrecision::FP32, "fp32",
                            "f32 multiply-adds, summed in the CPU's order")),
      cl::init(MatmulPrecision::TF32), cl::cat(category));
  cl::opt<std::string> runtimeLib(
      "runtime-lib",
      cl::desc("libnnrt.a to link (default: <nnc dir>/../lib/libnnrt.a)"),
      cl::value_desc("path"), cl::cat(category));
  cl::opt<unsigned> codegenThreads(
      "codegen-threads",
      cl::desc("Threads generating the executable's code, each writing one "
               "object file (default 0: one per core)"),
      cl::value_desc("n"), cl::init(0), cl::cat(category));

  // --mlir-timing, --mlir-print-ir-after-all, ... for debugging the stages.
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  // --help lists nnc's own options; LLVM's and MLIR's (hundreds, linked in
  // with the backends) stay usable (--mlir-timing, --mlir-print-ir-after-all)
  // but unlisted.
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "nnc: compiles an nn model into an executable "
                              "that trains it\n");

  DriverOptions options;
  options.inputFile = input;
  if (output.getNumOccurrences())
    options.outputFile = output;
  options.emit = emit;
  options.target = target;
  options.gradcheck = gradcheck;
  options.fuseBatchNorm = !noFuseBN;
  options.foldBatchNorm = !noFoldBN;
  options.hessian = hessian && !noHessian;
  options.cpu = cpu;
  options.gpuArch = gpuArch;
  options.cudaPath = cudaPath;
  options.gpuSass = gpuSass;
  options.gpuSassRequired = gpuSass && gpuSass.getNumOccurrences() > 0;
  options.gpuEmulate = gpuEmulate;
  options.gpuRaceCheck = gpuRaceCheck;
  options.gpuTF32 = gpuMatmul == MatmulPrecision::TF32;
  options.runtimeLib = runtimeLib;
  options.codegenThreads = codegenThreads;
  return runDriver(options, argv[0]);
}
