//===- NVPTXPipeline.cpp - linalg on tensors to PTX and host code ---------===//

#include "compiler/Backends/NVPTX/NVPTXPipeline.h"

#include "compiler/Backends/Common/SharedPasses.h"
#include "compiler/Backends/NVPTX/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

using namespace mlir;

/// Tensors to buffers, as on the CPU: the ABI functions receive every buffer
/// from the runtime and write their results in place. Temporaries are left
/// as `memref.alloc` for nnc-nvptx-device-buffers.
static void addBufferization(OpPassManager &pm) {
  nnc::addInPlaceBufferization(pm);
  // Equal subviews become one value, then self-copies fold away.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

/// Loops on device buffers -> gpu.launch -> outlined kernels in a gpu.module.
static void addMappingToGPU(OpPassManager &pm, bool emulate, bool tf32) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(nnc::nvptx::createNVPTXDeviceBuffersPass());
  nnc::nvptx::NVPTXTileMatmulsPassOptions matmuls;
  matmuls.tf32 = tf32;
  funcPm.addPass(nnc::nvptx::createNVPTXTileMatmulsPass(matmuls));
  funcPm.addPass(nnc::nvptx::createNVPTXParallelDimsOutermostPass());
  funcPm.addPass(createConvertLinalgToParallelLoopsPass());
  funcPm.addPass(nnc::nvptx::createNVPTXHostToDevicePass());
  // After host-to-device: host loops are on one GPU thread by then.
  funcPm.addPass(nnc::nvptx::createNVPTXPromoteAccumulatorsPass());
  funcPm.addPass(nnc::nvptx::createNVPTXSplitReductionsPass());
  // No host waits for branches, no launches for one-thread scalar work.
  funcPm.addPass(nnc::nvptx::createNVPTXBranchesIntoKernelsPass());
  funcPm.addPass(nnc::nvptx::createNVPTXMergeSerialKernelsPass());
  // Neighbouring loops over the same space become one kernel when the
  // second reads only what the first wrote at the same element (a fill or
  // a bias broadcast and the matmul accumulating onto it).
  funcPm.addPass(createParallelLoopFusionPass());
  funcPm.addPass(nnc::nvptx::createNVPTXRegisterTilePass());
  funcPm.addPass(createCSEPass());
  // Kernels on different tensors (parameter updates, norm partial sums):
  // one launch.
  funcPm.addPass(nnc::nvptx::createNVPTXFuseIndependentKernelsPass());
  // One-thread kernels that moving the others made neighbours.
  funcPm.addPass(nnc::nvptx::createNVPTXMergeSerialKernelsPass());
  funcPm.addPass(nnc::nvptx::createNVPTXTileParallelLoopsPass());
  // The innermost loop dimension is the contiguous one: threadIdx.x.
  funcPm.addPass(createGpuMapParallelLoopsPass(
      GpuMapParallelLoopsPassOptions{"innermost-first"}));
  funcPm.addPass(createConvertParallelLoopToGpuPass());
  funcPm.addPass(createCanonicalizerPass());
  pm.addPass(createLowerAffinePass());
  pm.nest<func::FuncOp>().addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(nnc::nvptx::createNVPTXMergeKernelModulesPass());
  pm.addPass(nnc::nvptx::createNVPTXDedupeKernelsPass());
  if (emulate)
    pm.addPass(nnc::nvptx::createNVPTXEmulatedKernelsPass());
  // One stream per call: kernels, copies and allocations are queued without
  // waiting, and the host waits only before it reads memory.
  pm.nest<func::FuncOp>().addPass(createGpuAsyncRegionPass());
}

/// Kernels -> NVVM -> PTX, kept in a `gpu.binary`.
static void addKernelLowering(OpPassManager &pm,
                              const nnc::NVPTXOptions &options) {
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = 3;
  if (!options.libdevice.empty())
    target.linkLibs.push_back(options.libdevice);
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernelPm = pm.nest<gpu::GPUModuleOp>();
  // Kernels take a bare pointer per buffer (shapes are static), on the host
  // side of the launch too (addHostLowering): fewer parameters, and the
  // layout the emulator's host copies of the kernels share.
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true;
  kernelPm.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  kernelPm.addPass(createCanonicalizerPass());
  kernelPm.addPass(createCSEPass());
  kernelPm.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

/// Host code -> LLVM dialect with the bare-pointer calling convention of
/// runtime/include/nnrt/nnrt.h; GPU operations become mgpu* calls, which
/// libnnrt implements over the CUDA driver API.
static void addHostLowering(OpPassManager &pm, bool emulate, bool raceCheck) {
  nnc::addBarePointerLLVMLowering(pm);
  GpuToLLVMConversionPassOptions gpu;
  gpu.hostBarePtrCallConv = true;
  gpu.kernelBarePtrCallConv = true;
  pm.addPass(createGpuToLLVMConversionPass(gpu));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  if (emulate)
    pm.addPass(nnc::nvptx::createNVPTXEmulatorEntriesPass({raceCheck}));
}

void nnc::buildNVPTXCodegenPipeline(OpPassManager &pm,
                                    const NVPTXOptions &options) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.nest<func::FuncOp>().addPass(createLinalgElementwiseOpFusionPass());
  addBufferization(pm);
  addMappingToGPU(pm, options.emulate, options.tf32);
  nvptx::NVPTXDeviceManifestPassOptions manifest;
  manifest.chip = options.chip;
  pm.addPass(nvptx::createNVPTXDeviceManifestPass(manifest));
  addKernelLowering(pm, options);
  addHostLowering(pm, options.emulate, options.raceCheck);
}

/// The PTX objects of the module's gpu.binary ops.
static SmallVector<std::pair<gpu::BinaryOp, StringRef>>
collectPTX(ModuleOp module) {
  SmallVector<std::pair<gpu::BinaryOp, StringRef>> found;
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects()) {
      auto gpuObject = cast<gpu::ObjectAttr>(object);
      if (gpuObject.getFormat() == gpu::CompilationTarget::Assembly)
        found.push_back({binary, gpuObject.getObject().getValue()});
    }
  });
  return found;
}

LogicalResult nnc::printPTX(ModuleOp module, raw_ostream &os) {
  auto found = collectPTX(module);
  if (found.empty())
    return module.emitError("no PTX in the module");
  for (auto [binary, ptx] : found)
    os << "// gpu.binary @" << binary.getSymName() << "\n" << ptx;
  return success();
}

FailureOr<StringRef> nnc::getKernelPTX(ModuleOp module) {
  auto found = collectPTX(module);
  if (found.size() != 1)
    return failure();
  return found.front().second;
}

/// Where a CUDA toolkit may be, best first: `cudaPath` alone when given.
static SmallVector<std::string> cudaToolkitRoots(StringRef cudaPath) {
  SmallVector<std::string> roots;
  if (!cudaPath.empty()) {
    roots.push_back(cudaPath.str());
    return roots;
  }
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(variable))
      roots.push_back(*value);
  if (llvm::ErrorOr<std::string> ptxas = llvm::sys::findProgramByName("ptxas"))
    roots.push_back(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas))
            .str());
  // Where NVIDIA's installers put the toolkit, and Debian's
  // nvidia-cuda-toolkit its toolkit layout (clang looks in both).
  roots.push_back("/usr/local/cuda");
  roots.push_back("/usr/lib/cuda");
  return roots;
}

static const StringRef kLibdevice[] = {"nvvm", "libdevice", "libdevice.10.bc"};
static const StringRef kPtxas[] = {"bin", "ptxas"};

static std::string join(StringRef root, ArrayRef<StringRef> relativePath) {
  SmallString<256> path(root);
  for (StringRef part : relativePath)
    llvm::sys::path::append(path, part);
  return std::string(path);
}

/// `relativePath` in the first toolkit that has both libdevice and ptxas,
/// so that the two come from one toolkit (a ptxas older than the libdevice
/// may reject its PTX); else in the first that has it; empty if none.
static std::string findInToolkit(StringRef cudaPath,
                                 ArrayRef<StringRef> relativePath) {
  SmallVector<std::string> roots = cudaToolkitRoots(cudaPath);
  for (const std::string &root : roots)
    if (llvm::sys::fs::exists(join(root, kLibdevice)) &&
        llvm::sys::fs::exists(join(root, kPtxas)))
      return join(root, relativePath);
  for (const std::string &root : roots)
    if (llvm::sys::fs::exists(join(root, relativePath)))
      return join(root, relativePath);
  return "";
}

std::string nnc::findLibdevice(StringRef cudaPath) {
  return findInToolkit(cudaPath, kLibdevice);
}

std::string nnc::findPtxas(StringRef cudaPath) {
  return findInToolkit(cudaPath, kPtxas);
}

// The NVPTX target of LLVM (libLLVM), initialized only to look up chips.
extern "C" void LLVMInitializeNVPTXTargetInfo();
extern "C" void LLVMInitializeNVPTXTargetMC();

bool nnc::isNVPTXArchitecture(StringRef chip) {
  static const bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTargetMC();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  // The default chip: creating the subtarget of an unknown one warns.
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, "", ""));
  return info && info->isCPUStringValid(chip);
}

std::string nnc::ptxFeatureFor(StringRef chip) {
  // The PTX ISA version that LLVM's NVPTX backend requires for the chips
  // that need more than 8.0 (llc -mcpu=<chip> -mattr=+ptxNN), else 8.0:
  // sm_90's, which the kernels are written for.
  StringRef family = chip.drop_back(chip.ends_with("a") || chip.ends_with("f"));
  bool familySpecific = chip.ends_with("f");
  unsigned version = llvm::StringSwitch<unsigned>(family)
                         .Cases({"sm_100", "sm_101"}, familySpecific ? 88 : 86)
                         .Case("sm_103", 88)
                         .Cases({"sm_88", "sm_110"}, 90)
                         .Case("sm_120", familySpecific ? 88 : 87)
                         .Case("sm_121", 88)
                         .Default(80);
  return "+ptx" + std::to_string(version);
}

namespace {
struct NVPTXPipelineOptions : PassPipelineOptions<NVPTXPipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("GPU architecture"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX ISA version feature (default: what the chip needs, "
                     "at least +ptx80)")};
  Option<bool> emulate{*this, "emulate",
                       llvm::cl::desc("Also compile the kernels for the host "
                                      "(tools/cuda-emulator)"),
                       llvm::cl::init(false)};
  Option<bool> raceCheck{*this, "race-check",
                         llvm::cl::desc("With emulate: kernels report their "
                                        "memory accesses to the emulator"),
                         llvm::cl::init(false)};
  Option<bool> tf32{*this, "tf32",
                    llvm::cl::desc("Matmuls on the tensor cores in TF32"),
                    llvm::cl::init(true)};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit whose libdevice is linked (default: "
                     "found as nnc does)")};
};
} // namespace

void nnc::registerNVPTXPipelines(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  // gpu-module-to-binary translates the kernels to LLVM IR in process.
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  // gpu.binary's default handler (#gpu.select_object) embeds the PTX.
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
  nvptx::registerNVPTXPasses();
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "nnc-nvptx-codegen",
      "linalg on tensors -> host LLVM dialect launching PTX kernels",
      [](OpPassManager &pm, const NVPTXPipelineOptions &opts) {
        buildNVPTXCodegenPipeline(
            pm, {opts.chip,
                 opts.features.empty() ? ptxFeatureFor(opts.chip)
                                       : std::string(opts.features),
                 findLibdevice(opts.cudaPath),
                 opts.emulate, opts.raceCheck, opts.tf32});
      });
}
