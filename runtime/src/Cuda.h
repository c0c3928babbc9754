//===- Cuda.h - the CUDA driver, loaded at run time -------------*- C++ -*-===//
//
// The few CUDA driver API functions that GPU models need, found with dlopen
// in libcuda.so.1 (as Triton does): the runtime does not need the CUDA
// toolkit to build, and CPU models never load the driver. The types below
// are those of cuda.h, declared here for the same reason.
//
// One process uses one device (ordinal 0 of CUDA_VISIBLE_DEVICES) through
// its primary context, and the legacy default stream: every kernel, copy
// and allocation is ordered with every other. Not thread-safe: the runtime
// calls the model from one thread (nnrt.h).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_CUDA_H
#define NNRT_CUDA_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace nnrt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = uint64_t;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphNode = struct CUgraphNode_st *;
using CUgraphExec = struct CUgraphExec_st *;
using CUevent = struct CUevent_st *;

/// cuda.h's CUDA_KERNEL_NODE_PARAMS_v2 (what cuGraphAddKernelNode_v2 and
/// cuGraphExecKernelNodeSetParams_v2 take).
struct KernelNodeParams {
  CUfunction func;
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  void **kernelParams;
  void **extra;
  /// A CUkernel, used only when `func` is null.
  void *kern;
  /// Null: the current context (ignored when `func` is set).
  CUcontext ctx;
};
static_assert(sizeof(KernelNodeParams) == 72 &&
                  offsetof(KernelNodeParams, kernelParams) == 40,
              "the layout of cuda.h's CUDA_KERNEL_NODE_PARAMS_v2");

constexpr CUresult kSuccess = 0;

/// The driver's entry points (cuda.h names; `_v2` where the header maps to
/// one).
struct DriverApi {
  CUresult (*init)(unsigned flags);
  CUresult (*getErrorName)(CUresult, const char **);
  CUresult (*getErrorString)(CUresult, const char **);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int ordinal);
  CUresult (*deviceGetName)(char *, int length, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int attribute, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*ctxSynchronize)();
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*memcpy)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*moduleLoadDataEx)(CUmodule *, const void *, unsigned numOptions,
                               int *options, void **values);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*launchKernel)(CUfunction, unsigned gridX, unsigned gridY,
                           unsigned gridZ, unsigned blockX, unsigned blockY,
                           unsigned blockZ, unsigned sharedBytes, CUstream,
                           void **params, void **extra);
  CUresult (*streamSynchronize)(CUstream);
  // Optional (null when the driver lacks them): copies of the next batch
  // while a step runs, and of a step's results queued behind its kernels
  // (DeviceModel).
  CUresult (*memAllocHost)(void **, size_t);
  CUresult (*streamCreate)(CUstream *, unsigned flags);
  CUresult (*memcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*memcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  // Optional: a training step's kernels replayed as one graph (StepGraph.h).
  CUresult (*graphCreate)(CUgraph *, unsigned flags);
  CUresult (*graphAddKernelNode)(CUgraphNode *, CUgraph,
                                 const CUgraphNode *dependencies,
                                 size_t dependencyCount,
                                 const KernelNodeParams *);
  CUresult (*graphInstantiate)(CUgraphExec *, CUgraph,
                               unsigned long long flags);
  CUresult (*graphExecKernelNodeSetParams)(CUgraphExec, CUgraphNode,
                                           const KernelNodeParams *);
  CUresult (*graphLaunch)(CUgraphExec, CUstream);
  CUresult (*graphExecDestroy)(CUgraphExec);
  CUresult (*graphDestroy)(CUgraph);
  // Optional: waiting for one training step while the next is queued
  // behind it (DeviceModel).
  CUresult (*eventCreate)(CUevent *, unsigned flags);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventSynchronize)(CUevent);
};

/// "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)", or the
/// number when the driver does not know the code.
std::string describe(const DriverApi &api, CUresult result);

/// The driver, initialized, with the device's primary context current.
class Device {
public:
  /// Loads the driver (the library named by $NNRT_LIBCUDA, else
  /// libcuda.so.1) and opens device 0 the first time; later calls return
  /// the same device. Throws nnrt::Error, saying what is missing, when there
  /// is no driver or no device.
  static Device &open();

  const DriverApi &api() const { return driver; }
  /// "NVIDIA H100 (sm_90)".
  const std::string &description() const { return name; }
  /// The compute capability as nnc's --gpu-arch numbers it: 90 for sm_90.
  unsigned smVersion() const { return sm; }

  /// Throws nnrt::Error "CUDA error in <what>: <describe(result)>" unless
  /// `result` is success.
  void check(CUresult result, const std::string &what) const;

  /// Device memory that the compiled code allocates (mgpuMemAlloc): freed
  /// blocks are kept by size and reused, so that after the first training
  /// step no call allocates from the driver.
  CUdeviceptr allocate(size_t bytes);
  void release(CUdeviceptr pointer);
  /// Device memory of the runtime's own (DeviceModel's buffers), never one
  /// of the blocks that compiled code freed: kernels still queued may use
  /// those, and a copy on another stream would race with them.
  CUdeviceptr allocateDedicated(size_t bytes);

private:
  Device() = default;
  DriverApi driver{};
  std::string name;
  unsigned sm = 0;
  std::unordered_map<CUdeviceptr, size_t> blockSizes;
  std::unordered_multimap<size_t, CUdeviceptr> freeBlocks;
};

/// Hands every kernel module that compiled code registered to the driver
/// (its PTX compiled by the driver's JIT) now rather than at the first
/// launch, so that the first training step is not the one that waits for
/// it. Set by the mgpu* layer when a GPU model registers its kernels; null
/// in CPU models, which do not link that layer.
extern void (*loadKernelModules)();

/// Set by the mgpu layer like loadKernelModules: from beginRecordedStep on,
/// compiled code's kernel launches are recorded, and launchRecordedStep
/// launches them, as a CUDA graph when it can (StepGraph.h); it throws
/// nnrt::Error when a launch fails. Recording is off (the two do nothing
/// but launch) when NNRT_CUDA_GRAPHS=0 or NNRT_CUDA_SYNC is set.
extern void (*beginRecordedStep)();
extern void (*launchRecordedStep)();

/// Prints "error: <message>" and exits with status 1: for failures inside
/// compiled code (mgpu* calls), which cannot unwind.
[[noreturn]] void fatal(const std::string &message);

/// fatal("CUDA error in <what>: <describe(result)>").
[[noreturn]] void fail(const std::string &what, CUresult result);

} // namespace nnrt::cuda

#endif // NNRT_CUDA_H
