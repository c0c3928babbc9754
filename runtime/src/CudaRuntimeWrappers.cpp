//===- CudaRuntimeWrappers.cpp - the mgpu* calls of compiled GPU code -----===//
//
// MLIR lowers GPU operations on the host (gpu-to-llvm, gpu.binary) to calls
// of mgpu* functions, which upstream implements in libmlir_cuda_runtime over
// the CUDA runtime library. These are the ones nnc's NVPTX backend emits,
// over the driver API of Cuda.h instead, so that a model needs neither MLIR
// nor the CUDA toolkit to run. An archive member of its own: CPU models do
// not reference it and do not link it.
//
// Compiled code cannot unwind: a CUDA failure here prints the error, with
// the kernel's name, and exits with status 1 (cuda::fail).
//
// Between beginRecordedStep and launchRecordedStep (a training step), the
// launches are recorded instead and replayed as a CUDA graph (StepGraph.h):
// their parameters' sizes, which the graph must copy, come from the PTX.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/Cuda.h"
#include "runtime/src/Error.h"
#include "runtime/src/PtxParams.h"
#include "runtime/src/Sass.h"
#include "runtime/src/StepGraph.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

using namespace nnrt::cuda;

namespace {

struct Kernel {
  CUfunction function;
  const char *name;
  /// Its parameters' sizes, from the PTX; none when the image is not PTX
  /// text or the reader does not know a declaration (it is then never
  /// recorded, only launched).
  std::optional<std::vector<uint32_t>> paramSizes;
};

/// A gpu.binary: its PTX (or cubin), loaded into the driver when the
/// runtime opens the GPU (loadKernelModules) or at the first launch, not by
/// the global constructor that registers it, so that `./model info` and
/// `--help` work without a GPU.
struct KernelModule {
  const void *image;
  CUmodule module = nullptr;
  /// By the address of the name, which is a constant of the compiled code.
  std::unordered_map<const char *, Kernel> kernels;
};

/// The most recent launch: asynchronous failures surface at the next
/// synchronization and are reported against it.
const char *lastKernel = "(none)";

Device &device() {
  try {
    return Device::open();
  } catch (const nnrt::Error &e) {
    fatal(e.what());
  }
}

/// Loads the machine code nnc linked for this PTX, if any: false when there
/// is none or the GPU refuses it (another architecture), after saying so.
bool loadSass(KernelModule &handle) {
  if (!nnrt::sass::assembledFrom(static_cast<const char *>(handle.image)))
    return false;
  const DriverApi &api = device().api();
  CUresult result = api.moduleLoadDataEx(
      &handle.module, nnrt::sass::image(), 0, nullptr, nullptr);
  if (result == kSuccess)
    return true;
  // Another architecture (an sm_100 for an sm_90 cubin), or a driver that
  // does not read a newer toolkit's cubins.
  std::string arch = nnrt::sass::architecture();
  bool sameArch = arch == "sm_" + std::to_string(device().smVersion());
  std::fprintf(stderr,
               "note: %s did not load the kernels' machine code for %s in "
               "this executable (%s%s): the CUDA driver compiles their PTX "
               "instead, at each start (%s)\n",
               device().description().c_str(), arch.c_str(),
               describe(api, result).c_str(),
               sameArch ? "; is the driver older than the CUDA toolkit whose "
                          "ptxas assembled it?"
                        : "",
               sameArch ? "nnc --gpu-sass=false leaves it out"
                        : "nnc --gpu-arch names the GPU to build for");
  return false;
}

void loadModule(KernelModule &handle) {
  if (loadSass(handle))
    return;
  const DriverApi &api = device().api();
  // The JIT compiler's messages say what is wrong with PTX it rejects.
  char log[4096] = {};
  int options[] = {/*CU_JIT_ERROR_LOG_BUFFER=*/5,
                   /*CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES=*/6};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1)};
  CUresult result =
      api.moduleLoadDataEx(&handle.module, handle.image, 2, options, values);
  if (result != kSuccess)
    fail(std::string("cuModuleLoadData of the model's PTX") +
             (log[0] ? std::string(" (") + log + ")" : ""),
         result);
}

/// The training step's launches, recorded while a step is (StepGraph.h).
/// Never destroyed: the driver releases graphs with the process, and may be
/// gone before static destructors run.
StepGraph &stepGraph() {
  static StepGraph &graph = *new StepGraph(device().api());
  static const bool configured = [] {
    const char *graphs = std::getenv("NNRT_CUDA_GRAPHS");
    const char *sync = std::getenv("NNRT_CUDA_SYNC");
    // NNRT_CUDA_SYNC waits after each kernel, to name a failing one: that
    // needs them launched one by one.
    if ((graphs && std::strcmp(graphs, "0") == 0) ||
        (sync && *sync && std::strcmp(sync, "0") != 0))
      graph.disable();
    return true;
  }();
  (void)configured;
  return graph;
}

/// The step graph, when it is recording now.
StepGraph *recordingGraph() {
  if (!nnrt::cuda::beginRecordedStep)
    return nullptr;
  StepGraph &graph = stepGraph();
  return graph.recording() ? &graph : nullptr;
}

/// Launches what the step recorded so far, before compiled code copies or
/// waits (the rest of the step is launched one by one).
void flushRecording() {
  try {
    stepGraph().abandon();
  } catch (const nnrt::Error &e) {
    fatal(e.what());
  }
}

void beginStep() { stepGraph().begin(); }

void launchStep() { stepGraph().launch(); }

/// The modules that compiled code registered, in order.
std::vector<KernelModule *> &registeredModules() {
  static std::vector<KernelModule *> modules;
  return modules;
}

void loadRegisteredModules() {
  for (KernelModule *module : registeredModules())
    if (!module->module)
      loadModule(*module);
}

KernelModule *registerModule(const void *image) {
  auto *module = new KernelModule{image, nullptr, {}};
  registeredModules().push_back(module);
  nnrt::cuda::loadKernelModules = loadRegisteredModules;
  nnrt::cuda::beginRecordedStep = beginStep;
  nnrt::cuda::launchRecordedStep = launchStep;
  return module;
}

} // namespace

extern "C" {

void *mgpuModuleLoad(void *data, size_t /*size*/) {
  return registerModule(data);
}

void *mgpuModuleLoadJIT(void *data, int /*optLevel*/) {
  return registerModule(data);
}

void mgpuModuleUnload(void *module) {
  // At exit: the driver releases loaded modules with the process.
  auto &modules = registeredModules();
  modules.erase(std::remove(modules.begin(), modules.end(), module),
                modules.end());
  delete static_cast<KernelModule *>(module);
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  auto &handle = *static_cast<KernelModule *>(module);
  auto found = handle.kernels.find(name);
  if (found != handle.kernels.end())
    return &found->second;
  if (!handle.module)
    loadModule(handle);
  // PTX is NUL-terminated text; a cubin's ELF header holds a NUL early on.
  const char *image = static_cast<const char *>(handle.image);
  Kernel kernel{nullptr, name, ptxParamSizes(image, name)};
  CUresult result =
      device().api().moduleGetFunction(&kernel.function, handle.module, name);
  if (result != kSuccess)
    fail(std::string("cuModuleGetFunction of kernel ") + name, result);
  return &handle.kernels.emplace(name, kernel).first->second;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, void *stream,
                      void **params, void ** /*extra*/, size_t paramsCount) {
  auto &kernel = *static_cast<Kernel *>(function);
  lastKernel = kernel.name;
  const unsigned grid[3] = {unsigned(gridX), unsigned(gridY), unsigned(gridZ)};
  const unsigned block[3] = {unsigned(blockX), unsigned(blockY),
                             unsigned(blockZ)};
  StepGraph *graph = recordingGraph();
  if (graph && !stream && kernel.paramSizes &&
      kernel.paramSizes->size() == paramsCount) {
    graph->record(kernel.function, kernel.name, grid, block, sharedBytes,
                  params, *kernel.paramSizes);
    return;
  }
  if (graph) {
    flushRecording();
    // Every step would be cut here: no graph for the rest of the run.
    std::fprintf(stderr,
                 "warning: the parameters of kernel %s are not known from "
                 "its PTX; the training step's kernels are launched one by "
                 "one\n",
                 kernel.name);
    graph->disable();
  }
  CUresult result = device().api().launchKernel(
      kernel.function, grid[0], grid[1], grid[2], block[0], block[1], block[2],
      sharedBytes, static_cast<CUstream>(stream), params, nullptr);
  if (result != kSuccess)
    fail(describeLaunch(kernel.name, grid, block), result);
}

/// Every call uses the legacy default stream (Cuda.h).
void *mgpuStreamCreate() { return nullptr; }

void mgpuStreamDestroy(void * /*stream*/) {}

/// Returns at once: gpu-async-region waits before the host reads device
/// memory and at the end of each entry point, but every such read is a
/// synchronous cuMemcpy on the legacy stream, which waits for the kernels
/// before it, and the runtime waits after each call (DeviceModel). Not
/// waiting here lets a training step return while its kernels run, so that
/// the runtime prepares the next batch meanwhile. NNRT_CUDA_SYNC=1 waits
/// (and reports a failure against the last kernel launched).
void mgpuStreamSynchronize(void *stream) {
  static const bool wait = [] {
    const char *value = std::getenv("NNRT_CUDA_SYNC");
    return value && *value && std::string(value) != "0";
  }();
  if (!wait)
    return;
  if (recordingGraph())
    flushRecording();
  CUresult result =
      device().api().streamSynchronize(static_cast<CUstream>(stream));
  if (result != kSuccess)
    fail(std::string("kernel ") + lastKernel +
             " or one queued before it (CUDA_LAUNCH_BLOCKING=1 names the "
             "failing kernel)",
         result);
}

void *mgpuMemAlloc(uint64_t bytes, void * /*stream*/, bool isHostShared) {
  if (isHostShared)
    fatal("mgpuMemAlloc: host-shared memory is not supported");
  return reinterpret_cast<void *>(device().allocate(bytes));
}

void mgpuMemFree(void *pointer, void * /*stream*/) {
  device().release(reinterpret_cast<CUdeviceptr>(pointer));
}

void mgpuMemcpy(void *destination, void *source, size_t bytes,
                void * /*stream*/) {
  if (recordingGraph())
    flushRecording();
  // Unified addressing: one call for every direction.
  CUresult result = device().api().memcpy(
      reinterpret_cast<CUdeviceptr>(destination),
      reinterpret_cast<CUdeviceptr>(source), bytes);
  if (result != kSuccess)
    fail("cuMemcpy of " + std::to_string(bytes) + " bytes after kernel " +
             lastKernel,
         result);
}

} // extern "C"
