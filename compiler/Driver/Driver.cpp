//===- Driver.cpp - nnc: model.mlir -> executable -------------------------===//

#include "compiler/Driver/Driver.h"

#include "compiler/Backends/CPU/CPUPipeline.h"
#include "compiler/Backends/CPU/CPUTarget.h"
#include "compiler/Backends/NVPTX/NVPTXPipeline.h"
#include "compiler/Backends/NVPTX/Sass.h"
#include "compiler/Driver/Linker.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Pipelines/Registration.h"
#include "dialects/NN/IR/NNOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace nnc;

namespace {
/// One compilation: the context, the module as it goes through the stages,
/// and where the result goes.
class Compilation {
public:
  Compilation(const DriverOptions &options, const char *argv0);
  /// Runs every stage up to `options.emit` and writes the result.
  LogicalResult run();

private:
  LogicalResult parse();
  /// Runs the backend's pipeline down to the LLVM dialect.
  LogicalResult runCodegen();
  LogicalResult runPipeline(llvm::function_ref<void(OpPassManager &)> build);
  /// Writes `print`'s text to the output file.
  LogicalResult writeText(llvm::function_ref<void(raw_ostream &)> print);
  LogicalResult emitObject(llvm::TargetMachine &machine, llvm::Module &module,
                           StringRef path);
  LogicalResult emitExecutable(llvm::TargetMachine &machine,
                               llvm::Module &module);
  /// --target=nvptx: starts ptxas on the kernels' PTX (--gpu-sass).
  LogicalResult startSass();
  /// Waits for ptxas: its cubin, or null when it failed and that is only a
  /// warning (PTX only).
  FailureOr<std::unique_ptr<llvm::MemoryBuffer>> finishSass();
  LogicalResult fail(const Twine &message);
  std::string getOutputFile() const;

  const DriverOptions &options;
  const char *argv0;
  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module;
  /// ptxas on the kernels, running while the host code is generated.
  std::unique_ptr<SassAssembly> sass;
  /// Pass timings of all stages, reported by --mlir-timing.
  DefaultTimingManager timing;
  TimingScope timingScope;
  /// Every stage's pass manager, alive until the end: --mlir-timing keys a
  /// pass's timer by the pass's address, so a freed stage's address reused
  /// by a later pass would report that pass's time under the old name.
  SmallVector<std::unique_ptr<PassManager>> passManagers;
};
} // namespace

static DialectRegistry createRegistry() {
  DialectRegistry registry;
  registerAll(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  return registry;
}

Compilation::Compilation(const DriverOptions &options, const char *argv0)
    : options(options), argv0(argv0), context(createRegistry()) {
  applyDefaultTimingManagerCLOptions(timing);
  timingScope = timing.getRootScope();
}

LogicalResult Compilation::fail(const Twine &message) {
  llvm::WithColor::error(llvm::errs(), "nnc") << message << "\n";
  return failure();
}

std::string Compilation::getOutputFile() const {
  if (options.outputFile)
    return *options.outputFile;
  if (options.emit == EmitKind::Exe)
    return "a.out";
  if (options.emit == EmitKind::Object) {
    if (options.inputFile == "-")
      return "model.o";
    return (llvm::sys::path::stem(options.inputFile) + ".o").str();
  }
  return "-";
}

LogicalResult Compilation::parse() {
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(options.inputFile, &message);
  if (!input)
    return fail(message);
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  return success(static_cast<bool>(module));
}

LogicalResult
Compilation::runPipeline(llvm::function_ref<void(OpPassManager &)> build) {
  auto &pm = *passManagers.emplace_back(std::make_unique<PassManager>(&context));
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.enableTiming(timingScope);
  build(pm);
  return pm.run(*module);
}

LogicalResult
Compilation::writeText(llvm::function_ref<void(raw_ostream &)> print) {
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(getOutputFile(), &message);
  if (!output)
    return fail(message);
  print(output->os());
  output->keep();
  return success();
}

LogicalResult Compilation::emitObject(llvm::TargetMachine &machine,
                                      llvm::Module &llvmModule,
                                      StringRef path) {
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(path, &message);
  if (!output)
    return fail(message);
  if (!emitObjectFile(llvmModule, machine, output->os(), message))
    return fail(message);
  output->keep();
  return success();
}

/// What an executable without the kernels' machine code does instead.
static constexpr llvm::StringLiteral kPtxOnly =
    "the executable carries the kernels as PTX only, which the CUDA driver "
    "compiles each time it starts";

LogicalResult Compilation::startSass() {
  FailureOr<StringRef> ptx = getKernelPTX(*module);
  if (failed(ptx))
    return success();
  std::string ptxas = findPtxas(options.cudaPath);
  if (ptxas.empty() && options.gpuSassRequired)
    return fail("--gpu-sass: no ptxas in the CUDA toolkit" +
                (options.cudaPath.empty() ? Twine("")
                                          : " at " + options.cudaPath));
  if (ptxas.empty()) {
    llvm::WithColor::warning(llvm::errs(), "nnc")
        << "no ptxas in the CUDA toolkit"
        << (options.cudaPath.empty() ? "" : " at " + options.cudaPath)
        << ": " << kPtxOnly
        << " (--gpu-sass=false says so without this warning)\n";
    return success();
  }
  auto started = SassAssembly::start(ptxas, *ptx, options.gpuArch);
  if (!started)
    return fail(llvm::toString(started.takeError()));
  sass = std::move(*started);
  return success();
}

FailureOr<std::unique_ptr<llvm::MemoryBuffer>> Compilation::finishSass() {
  auto cubin = sass->finish();
  if (cubin)
    return std::move(*cubin);
  if (options.gpuSassRequired)
    return fail(llvm::toString(cubin.takeError()));
  llvm::WithColor::warning(llvm::errs(), "nnc")
      << llvm::toString(cubin.takeError()) << "\nnnc: note: " << kPtxOnly
      << " (--gpu-sass makes this an error)\n";
  return std::unique_ptr<llvm::MemoryBuffer>();
}

LogicalResult Compilation::emitExecutable(llvm::TargetMachine &machine,
                                          llvm::Module &llvmModule) {
  // One object per thread, generated in parallel (emitObjectFilesInParallel),
  // and one for the kernels' machine code.
  unsigned count = options.codegenThreads
                       ? options.codegenThreads
                       : llvm::hardware_concurrency().compute_thread_count();
  std::vector<std::string> objects;
  std::vector<llvm::FileRemover> objectRemovers;
  // Removers are not movable: room for all of them up front.
  objectRemovers.reserve(count + 1);
  // A new temporary object file, removed when the link is done.
  auto addObject = [&]() -> LogicalResult {
    SmallString<128> object;
    int fd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("nnc-model", "o", fd, object))
      return fail("cannot create a temporary object file: " + ec.message());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    objectRemovers.emplace_back(object);
    objects.push_back(std::string(object));
    return success();
  };
  for (unsigned i = 0; i < count; ++i)
    if (failed(addObject()))
      return failure();
  std::string message;
  if (!emitObjectFilesInParallel(llvmModule, options.cpu, objects, message))
    return fail(message);
  if (sass) {
    FailureOr<std::unique_ptr<llvm::MemoryBuffer>> cubin = finishSass();
    if (failed(cubin))
      return failure();
    if (*cubin) {
      llvm::LLVMContext llvmContext;
      std::unique_ptr<llvm::Module> sassModule =
          createSassModule(**cubin, sass->ptxHash(), llvmContext, machine);
      if (failed(addObject()) ||
          failed(emitObject(machine, *sassModule, objects.back())))
        return failure();
    }
  }

  // Link next to the output and rename, so that a failed link never leaves
  // a partial executable at the output path.
  std::string output = getOutputFile();
  SmallString<128> linked;
  llvm::sys::fs::createUniquePath(output + "-%%%%%%.tmp", linked,
                                  /*MakeAbsolute=*/false);
  llvm::FileRemover linkedRemover(linked);
  std::string runtimeLib = options.runtimeLib.empty()
                               ? getDefaultRuntimeLibrary(argv0)
                               : options.runtimeLib;
  if (!linkExecutable(objects, runtimeLib, linked, message,
                      /*exportSymbols=*/options.gpuEmulate))
    return fail(message);
  if (std::error_code ec = llvm::sys::fs::rename(linked, output))
    return fail("cannot write '" + output + "': " + ec.message());
  return success();
}

LogicalResult Compilation::runCodegen() {
  if (options.target == TargetKind::CPU)
    return runPipeline(buildCPUCodegenPipeline);
  NVPTXOptions nvptx;
  StringRef arch = options.gpuArch;
  nvptx.chip = options.gpuArch;
  nvptx.features = ptxFeatureFor(arch);
  nvptx.emulate = options.gpuEmulate;
  nvptx.raceCheck = options.gpuRaceCheck;
  // TF32 tensor cores (mma.sync ... .tf32) start with sm_80; earlier GPUs
  // get the f32 kernels. The number ends where a suffix (sm_90a) starts.
  unsigned smVersion = 0;
  arch.drop_front(3).take_while(llvm::isDigit).getAsInteger(10, smVersion);
  nvptx.tf32 = options.gpuTF32 && smVersion >= 80;
  nvptx.libdevice = findLibdevice(options.cudaPath);
  if (nvptx.libdevice.empty())
    return fail("libdevice (nvvm/libdevice/libdevice.10.bc of the CUDA "
                "toolkit) not found" +
                (options.cudaPath.empty()
                     ? Twine("; set its toolkit with --cuda-path=DIR")
                     : " under --cuda-path=" + options.cudaPath));
  return runPipeline(
      [&](OpPassManager &pm) { buildNVPTXCodegenPipeline(pm, nvptx); });
}

LogicalResult Compilation::run() {
  if (options.emit == EmitKind::PTX && options.target != TargetKind::NVPTX)
    return fail("-emit=ptx needs --target=nvptx");
  if (options.gpuEmulate && options.target != TargetKind::NVPTX)
    return fail("--gpu-emulate needs --target=nvptx");
  if (options.gpuRaceCheck && !options.gpuEmulate)
    return fail("--gpu-race-check needs --gpu-emulate");
  if (options.target == TargetKind::NVPTX) {
    StringRef arch = options.gpuArch;
    if (!arch.starts_with("sm_"))
      return fail("--gpu-arch=" + arch +
                  ": expected an NVIDIA architecture such as sm_90");
    // One that LLVM's NVPTX backend does not know would abort its
    // instruction selection.
    if (!isNVPTXArchitecture(arch))
      return fail("--gpu-arch=" + arch +
                  ": not an architecture that LLVM's NVPTX backend knows "
                  "(such as sm_80, sm_90, sm_100, sm_120)");
  }
  if (options.outputFile && options.outputFile->empty())
    return fail("-o: empty output path");
  if (options.codegenThreads > DriverOptions::kMaxCodegenThreads)
    return fail("--codegen-threads=" + Twine(options.codegenThreads) +
                ": at most " + Twine(DriverOptions::kMaxCodegenThreads));
  std::string output = getOutputFile();
  StringRef outputDir = llvm::sys::path::parent_path(output);
  if (output != "-" && !outputDir.empty() &&
      !llvm::sys::fs::is_directory(outputDir))
    return fail("cannot write '" + output + "': no directory '" + outputDir +
                "'");
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  if (failed(parse()))
    return failure();

  // Input that is already at the linalg level (no nn.model) skips the nn
  // stages; an executable needs the manifest that they write.
  bool hasModel = !module->getOps<nn::ModelOp>().empty();
  if (!hasModel && options.emit == EmitKind::Exe &&
      !module->lookupSymbol("nnc_manifest"))
    return fail((options.inputFile == "-" ? Twine("<stdin>")
                                          : Twine(options.inputFile)) +
                ": no nn.model in the input");
  NNTrainingOptions training{options.fuseBatchNorm, options.foldBatchNorm};
  if (hasModel && failed(runPipeline([&](OpPassManager &pm) {
        buildNNTrainingPipeline(pm, training);
      })))
    return failure();
  if (options.emit == EmitKind::NN)
    return writeText([&](raw_ostream &os) { module->print(os); });
  NNPipelineOptions nnOptions;
  nnOptions.gradcheck = options.gradcheck;
  nnOptions.hessian = options.hessian;
  if (hasModel && failed(runPipeline([&](OpPassManager &pm) {
        buildNNToLinalgPipeline(pm, nnOptions);
      })))
    return failure();
  if (options.emit == EmitKind::Linalg)
    return writeText([&](raw_ostream &os) { module->print(os); });

  if (failed(runCodegen()))
    return failure();
  if (options.target == TargetKind::NVPTX && options.emit == EmitKind::Exe &&
      options.gpuSass && failed(startSass()))
    return failure();
  if (options.emit == EmitKind::PTX) {
    std::string ptx;
    llvm::raw_string_ostream os(ptx);
    if (failed(printPTX(*module, os)))
      return failure();
    return writeText([&](raw_ostream &out) { out << ptx; });
  }
  std::string message;
  std::unique_ptr<llvm::TargetMachine> machine =
      createCPUTargetMachine(options.cpu, message);
  if (!machine)
    return fail(message);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateToOptimizedLLVMIR(*module, llvmContext, *machine);
  if (!llvmModule)
    return failure();
  switch (options.emit) {
  case EmitKind::LLVM:
    return writeText([&](raw_ostream &os) { llvmModule->print(os, nullptr); });
  case EmitKind::Object:
    return emitObject(*machine, *llvmModule, getOutputFile());
  case EmitKind::Exe:
    return emitExecutable(*machine, *llvmModule);
  case EmitKind::NN:
  case EmitKind::Linalg:
  case EmitKind::PTX:
    break;
  }
  llvm_unreachable("stages before LLVM return above");
}

int nnc::runDriver(const DriverOptions &options, const char *argv0) {
  Compilation compilation(options, argv0);
  return succeeded(compilation.run()) ? 0 : 1;
}
