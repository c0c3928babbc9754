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
//===----------------------------------------------------------------------===//

#include "runtime/src/Cuda.h"
#include "runtime/src/Error.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

using namespace nnrt::cuda;

namespace {

struct Kernel {
  CUfunction function;
  const char *name;
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

void loadModule(KernelModule &handle) {
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
  Kernel kernel{nullptr, name};
  CUresult result =
      device().api().moduleGetFunction(&kernel.function, handle.module, name);
  if (result != kSuccess)
    fail(std::string("cuModuleGetFunction of kernel ") + name, result);
  return &handle.kernels.emplace(name, kernel).first->second;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, void *stream,
                      void **params, void ** /*extra*/,
                      size_t /*paramsCount*/) {
  auto &kernel = *static_cast<Kernel *>(function);
  lastKernel = kernel.name;
  CUresult result = device().api().launchKernel(
      kernel.function, gridX, gridY, gridZ, blockX, blockY, blockZ,
      sharedBytes, static_cast<CUstream>(stream), params, nullptr);
  if (result != kSuccess)
    fail(std::string("kernel ") + kernel.name + " (cuLaunchKernel, grid " +
             std::to_string(gridX) + "x" + std::to_string(gridY) + "x" +
             std::to_string(gridZ) + ", block " + std::to_string(blockX) +
             "x" + std::to_string(blockY) + "x" + std::to_string(blockZ) +
             ")",
         result);
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
