//===- CPUTarget.cpp - LLVM IR and object files for the host --------------===//

#include "compiler/Backends/CPU/CPUTarget.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/Utils/Cloning.h"

using namespace llvm;

std::unique_ptr<TargetMachine>
nnc::createCPUTargetMachine(StringRef cpu, std::string &error) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  Triple triple(sys::getDefaultTargetTriple());
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;

  std::string cpuName = cpu.str();
  SubtargetFeatures features;
  if (cpu.empty()) {
    // Take the features one by one rather than trusting the CPU name: a
    // virtual machine may hide some of them (e.g. AVX-512 on a Zen 4 host).
    cpuName = sys::getHostCPUName().str();
    for (const auto &feature : sys::getHostCPUFeatures())
      features.AddFeature(feature.getKey(), feature.getValue());
  } else {
    // Asked of a generic subtarget: one for an unknown CPU warns on stderr.
    std::unique_ptr<MCSubtargetInfo> generic(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!generic->isCPUStringValid(cpuName)) {
      error = "unknown CPU '" + cpuName + "' for " + triple.str();
      return nullptr;
    }
  }
  TargetOptions options;
  // Constructors (the GPU kernels' module loader) in .init_array, which is
  // what glibc runs; LLVM's default, .ctors, is silently skipped there.
  options.UseInitArray = true;
  return std::unique_ptr<TargetMachine>(target->createTargetMachine(
      triple, cpuName, features.getString(), options, Reloc::PIC_,
      std::nullopt, CodeGenOptLevel::Aggressive));
}

std::unique_ptr<Module>
nnc::translateToOptimizedLLVMIR(mlir::ModuleOp module, LLVMContext &context,
                                TargetMachine &machine) {
  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    module.emitError("cannot translate the module to LLVM IR");
    return nullptr;
  }
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  // The compiled code keeps its temporaries in static buffers: past 1 GiB
  // of them (a model with huge layers) x86-64's small code model, whose
  // 32-bit PC-relative addresses reach 2 GiB, would fail to link. The
  // medium one addresses large globals with 64 bits; the module records it
  // for each object file's machine (emitObjectFile).
  uint64_t staticBytes = 0;
  for (const GlobalVariable &global : llvmModule->globals())
    staticBytes += llvmModule->getDataLayout().getTypeAllocSize(
        global.getValueType());
  if (staticBytes > (uint64_t(1) << 30) &&
      machine.getTargetTriple().getArch() == Triple::x86_64) {
    llvmModule->setCodeModel(CodeModel::Medium);
    // clang's default for the medium model: small globals stay near.
    llvmModule->setLargeDataThreshold(65536);
  }
  // Recorded on each function too, so that the textual IR (-emit=llvm)
  // compiles the same way with `llc`.
  for (Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", machine.getTargetCPU());
    function.addFnAttr("target-features", machine.getTargetFeatureString());
  }

  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder builder(&machine);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  builder.buildPerModuleDefaultPipeline(OptimizationLevel::O3)
      .run(*llvmModule, mam);
  return llvmModule;
}

bool nnc::emitObjectFile(Module &module, TargetMachine &machine,
                         raw_pwrite_stream &os, std::string &error) {
  if (std::optional<CodeModel::Model> model = module.getCodeModel()) {
    machine.setCodeModel(*model);
    if (std::optional<uint64_t> threshold = module.getLargeDataThreshold())
      machine.setLargeDataThreshold(*threshold);
  }
  legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr,
                                  CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  passes.run(module);
  return true;
}

/// Writes `module` as an object file for `cpu` to `path`. Returns an error
/// message, empty on success.
static std::string emitObjectFileAt(Module &module, StringRef cpu,
                                    StringRef path) {
  std::string error;
  std::unique_ptr<TargetMachine> machine =
      nnc::createCPUTargetMachine(cpu, error);
  if (!machine)
    return error;
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec)
    return "cannot write '" + path.str() + "': " + ec.message();
  if (!nnc::emitObjectFile(module, *machine, os, error))
    return error;
  return "";
}

/// Parses one partition's bitcode into a fresh context and writes its
/// object file to `path`. Returns an error message, empty on success.
static std::string emitPartition(StringRef bitcode, StringRef cpu,
                                 StringRef path) {
  LLVMContext context;
  Expected<std::unique_ptr<Module>> part =
      parseBitcodeFile(MemoryBufferRef(bitcode, path), context);
  if (!part)
    return toString(part.takeError());
  return emitObjectFileAt(**part, cpu, path);
}

/// Splits `module` into `count` modules that link together: each function
/// definition goes to the partition with the fewest instructions so far,
/// largest first (a training step is one large function and many small
/// ones: round robin would put half of the small ones next to the large
/// one), global variables to the first. Symbols private to the module
/// become hidden ones, renamed so that they cannot meet the runtime's.
static std::vector<std::unique_ptr<Module>> partitionModule(Module &module,
                                                            size_t count) {
  for (GlobalValue &value : module.global_values()) {
    if (!value.hasLocalLinkage())
      continue;
    value.setName("__nnc_local." + value.getName());
    value.setLinkage(GlobalValue::ExternalLinkage);
    value.setVisibility(GlobalValue::HiddenVisibility);
  }
  SmallVector<Function *> functions;
  for (Function &function : module)
    if (!function.isDeclaration())
      functions.push_back(&function);
  llvm::stable_sort(functions, [](Function *a, Function *b) {
    return a->getInstructionCount() > b->getInstructionCount();
  });
  DenseMap<const GlobalValue *, size_t> owner;
  SmallVector<uint64_t> load(count, 0);
  for (Function *function : functions) {
    size_t least = llvm::min_element(load) - load.begin();
    owner[function] = least;
    load[least] += function->getInstructionCount();
  }

  std::vector<std::unique_ptr<Module>> parts;
  for (size_t i = 0; i < count; ++i) {
    ValueToValueMapTy mapping;
    parts.push_back(CloneModule(module, mapping, [&](const GlobalValue *gv) {
      auto it = owner.find(gv);
      return it == owner.end() ? i == 0 : it->second == i;
    }));
  }
  return parts;
}

bool nnc::emitObjectFilesInParallel(Module &module, StringRef cpu,
                                    ArrayRef<std::string> paths,
                                    std::string &error) {
  if (paths.size() == 1) {
    error = emitObjectFileAt(module, cpu, paths[0]);
    return error.empty();
  }
  // A partition reaches its thread's context as bitcode, as in LLVM's own
  // parallel code generation: contexts are not thread-safe.
  SmallVector<SmallString<0>> bitcodes(paths.size());
  std::vector<std::unique_ptr<Module>> parts =
      partitionModule(module, paths.size());
  for (auto [part, bitcode] : llvm::zip(parts, bitcodes)) {
    raw_svector_ostream os(bitcode);
    WriteBitcodeToFile(*part, os);
  }

  std::vector<std::string> errors(bitcodes.size());
  DefaultThreadPool pool(hardware_concurrency(bitcodes.size()));
  for (size_t i = 0; i < bitcodes.size(); ++i)
    pool.async(
        [&, i] { errors[i] = emitPartition(bitcodes[i], cpu, paths[i]); });
  pool.wait();
  for (const std::string &message : errors) {
    if (!message.empty()) {
      error = message;
      return false;
    }
  }
  return true;
}
