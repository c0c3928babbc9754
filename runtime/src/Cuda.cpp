//===- Cuda.cpp - the CUDA driver, loaded at run time ---------------------===//

#include "runtime/src/Cuda.h"

#include "runtime/src/Error.h"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <memory>

namespace nnrt::cuda {

namespace {

// cuda.h's values of the few enumerators used here.
constexpr CUresult kErrorNoDevice = 100;
constexpr int kAttributeComputeCapabilityMajor = 75;
constexpr int kAttributeComputeCapabilityMinor = 76;

constexpr const char *kAdvice =
    "this model was compiled for NVIDIA GPUs (nnc --target=nvptx); run it "
    "on a machine with an NVIDIA GPU and driver, or compile it for the CPU "
    "(nnc --target=cpu)";

/// Finds every entry point of DriverApi in `library`; returns the name of
/// the first one missing, or null.
const char *bind(void *library, DriverApi &api) {
  struct Entry {
    const char *symbol;
    void **slot;
  };
  const Entry entries[] = {
      {"cuInit", reinterpret_cast<void **>(&api.init)},
      {"cuGetErrorName", reinterpret_cast<void **>(&api.getErrorName)},
      {"cuGetErrorString", reinterpret_cast<void **>(&api.getErrorString)},
      {"cuDeviceGetCount", reinterpret_cast<void **>(&api.deviceGetCount)},
      {"cuDeviceGet", reinterpret_cast<void **>(&api.deviceGet)},
      {"cuDeviceGetName", reinterpret_cast<void **>(&api.deviceGetName)},
      {"cuDeviceGetAttribute",
       reinterpret_cast<void **>(&api.deviceGetAttribute)},
      {"cuDevicePrimaryCtxRetain",
       reinterpret_cast<void **>(&api.primaryCtxRetain)},
      {"cuCtxSetCurrent", reinterpret_cast<void **>(&api.ctxSetCurrent)},
      {"cuCtxSynchronize", reinterpret_cast<void **>(&api.ctxSynchronize)},
      {"cuMemAlloc_v2", reinterpret_cast<void **>(&api.memAlloc)},
      {"cuMemFree_v2", reinterpret_cast<void **>(&api.memFree)},
      {"cuMemcpyHtoD_v2", reinterpret_cast<void **>(&api.memcpyHtoD)},
      {"cuMemcpyDtoH_v2", reinterpret_cast<void **>(&api.memcpyDtoH)},
      {"cuMemcpy", reinterpret_cast<void **>(&api.memcpy)},
      {"cuModuleLoadDataEx", reinterpret_cast<void **>(&api.moduleLoadDataEx)},
      {"cuModuleGetFunction",
       reinterpret_cast<void **>(&api.moduleGetFunction)},
      {"cuLaunchKernel", reinterpret_cast<void **>(&api.launchKernel)},
      {"cuStreamSynchronize",
       reinterpret_cast<void **>(&api.streamSynchronize)},
  };
  for (const Entry &entry : entries) {
    *entry.slot = dlsym(library, entry.symbol);
    if (!*entry.slot)
      return entry.symbol;
  }
  const Entry optional[] = {
      {"cuMemAllocHost_v2", reinterpret_cast<void **>(&api.memAllocHost)},
      {"cuStreamCreate", reinterpret_cast<void **>(&api.streamCreate)},
      {"cuMemcpyHtoDAsync_v2",
       reinterpret_cast<void **>(&api.memcpyHtoDAsync)},
      {"cuMemcpyDtoHAsync_v2",
       reinterpret_cast<void **>(&api.memcpyDtoHAsync)},
      {"cuGraphCreate", reinterpret_cast<void **>(&api.graphCreate)},
      {"cuGraphAddKernelNode_v2",
       reinterpret_cast<void **>(&api.graphAddKernelNode)},
      {"cuGraphInstantiateWithFlags",
       reinterpret_cast<void **>(&api.graphInstantiate)},
      {"cuGraphExecKernelNodeSetParams_v2",
       reinterpret_cast<void **>(&api.graphExecKernelNodeSetParams)},
      {"cuGraphLaunch", reinterpret_cast<void **>(&api.graphLaunch)},
      {"cuGraphExecDestroy", reinterpret_cast<void **>(&api.graphExecDestroy)},
      {"cuGraphDestroy", reinterpret_cast<void **>(&api.graphDestroy)},
      {"cuEventCreate", reinterpret_cast<void **>(&api.eventCreate)},
      {"cuEventRecord", reinterpret_cast<void **>(&api.eventRecord)},
      {"cuEventSynchronize",
       reinterpret_cast<void **>(&api.eventSynchronize)},
  };
  for (const Entry &entry : optional)
    *entry.slot = dlsym(library, entry.symbol);
  return nullptr;
}

/// The device opened by Device::open, for fail().
Device *openedDevice = nullptr;

} // namespace

void (*loadKernelModules)() = nullptr;
void (*beginRecordedStep)() = nullptr;
void (*launchRecordedStep)() = nullptr;

std::string describe(const DriverApi &api, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (api.getErrorName)
    api.getErrorName(result, &name);
  if (api.getErrorString)
    api.getErrorString(result, &text);
  std::string description =
      name ? std::string(name) : "CUDA error " + std::to_string(result);
  if (text)
    description += std::string(" (") + text + ")";
  return description;
}

Device &Device::open() {
  static std::unique_ptr<Device> device;
  if (device)
    return *device;
  const char *override = std::getenv("NNRT_LIBCUDA");
  std::string library = override && *override ? override : "libcuda.so.1";
  void *handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    throw Error(library, std::string("cannot load the NVIDIA CUDA driver (") +
                             (why ? why : "not found") + "): " + kAdvice);
  }
  std::unique_ptr<Device> opened(new Device());
  DriverApi &api = opened->driver;
  if (const char *missing = bind(handle, api))
    throw Error(library, std::string("is not a CUDA driver: it lacks ") +
                             missing);

  CUresult result = api.init(0);
  int count = 0;
  if (result == kSuccess)
    result = api.deviceGetCount(&count);
  if (result == kErrorNoDevice || (result == kSuccess && count == 0))
    throw Error("", "no CUDA GPU found (the driver reports " +
                        (result == kSuccess ? std::string("0 devices")
                                            : describe(api, result)) +
                        "): " + kAdvice);
  opened->check(result, "cuInit");

  CUdevice ordinal;
  opened->check(api.deviceGet(&ordinal, 0), "cuDeviceGet");
  char name[256] = {};
  opened->check(api.deviceGetName(name, sizeof(name) - 1, ordinal),
                "cuDeviceGetName");
  int major = 0, minor = 0;
  opened->check(api.deviceGetAttribute(&major, kAttributeComputeCapabilityMajor,
                                       ordinal),
                "cuDeviceGetAttribute");
  opened->check(api.deviceGetAttribute(&minor, kAttributeComputeCapabilityMinor,
                                       ordinal),
                "cuDeviceGetAttribute");
  opened->sm = major * 10 + minor;
  opened->name =
      std::string(name) + " (sm_" + std::to_string(opened->sm) + ")";
  CUcontext context;
  opened->check(api.primaryCtxRetain(&context, ordinal),
                "cuDevicePrimaryCtxRetain");
  opened->check(api.ctxSetCurrent(context), "cuCtxSetCurrent");
  device = std::move(opened);
  openedDevice = device.get();
  return *device;
}

void Device::check(CUresult result, const std::string &what) const {
  if (result != kSuccess)
    throw Error("", "CUDA error in " + what + ": " + describe(driver, result));
}

CUdeviceptr Device::allocate(size_t bytes) {
  auto cached = freeBlocks.find(bytes);
  if (cached != freeBlocks.end()) {
    CUdeviceptr pointer = cached->second;
    freeBlocks.erase(cached);
    return pointer;
  }
  CUdeviceptr pointer = 0;
  // cuMemAlloc rejects 0 bytes; a 0-element buffer is never dereferenced.
  CUresult result = driver.memAlloc(&pointer, bytes ? bytes : 1);
  if (result != kSuccess)
    fail("cuMemAlloc of " + std::to_string(bytes) + " bytes", result);
  blockSizes[pointer] = bytes;
  return pointer;
}

CUdeviceptr Device::allocateDedicated(size_t bytes) {
  CUdeviceptr pointer = 0;
  check(driver.memAlloc(&pointer, bytes ? bytes : 1),
        "cuMemAlloc of " + std::to_string(bytes) + " bytes");
  return pointer;
}

void Device::release(CUdeviceptr pointer) {
  auto block = blockSizes.find(pointer);
  if (block != blockSizes.end())
    freeBlocks.emplace(block->second, pointer);
}

void fatal(const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(ExitFailure);
}

void fail(const std::string &what, CUresult result) {
  fatal("CUDA error in " + what + ": " +
        (openedDevice ? describe(openedDevice->api(), result)
                      : "CUDA error " + std::to_string(result)));
}

} // namespace nnrt::cuda
