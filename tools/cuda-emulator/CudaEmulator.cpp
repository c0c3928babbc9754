//===- CudaEmulator.cpp - the CUDA driver API over host-compiled kernels --===//
//
// A stand-in for libcuda.so.1 that runs models built with `nnc
// --target=nvptx --gpu-emulate` on the CPU: NNRT_LIBCUDA=<this library>.
// The runtime's GPU path (runtime/src/Cuda.cpp, CudaRuntimeWrappers.cpp,
// DeviceModel.cpp) and the compiled host code run unchanged; "device
// memory" is host memory, and a launch calls the host copy of the kernel
// (`nnc_emu_<kernel>`, found with dlsym) once per thread, with the launch's
// own parameter array, so that the parameters the host code packs are
// checked against what the kernel reads.
//
// Launches are synchronous; blocks run in parallel on the host's cores
// (NNC_EMU_THREADS caps them), the threads of a block one after the other,
// which is correct for kernels without barriers (the emulated-kernels pass
// rejects others). Launch configurations are checked against the limits of
// the GPU (sm_90), which would reject them too. "Device memory" is
// inaccessible (PROT_NONE) except while the emulator itself copies or runs
// kernels: host code that dereferences a device pointer crashes, as it
// would with a real GPU; each buffer ends at an inaccessible page, so that
// a kernel reading or writing past its end (by more than the 256-byte
// rounding) crashes too instead of corrupting a neighbour.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <unordered_map>
#include <thread>
#include <vector>

namespace {

using CUresult = int;
using CUdeviceptr = uint64_t;

// cuda.h's values.
constexpr CUresult kSuccess = 0;
constexpr CUresult kInvalidValue = 1;
constexpr CUresult kOutOfMemory = 2;
constexpr CUresult kInvalidImage = 200;
constexpr CUresult kNotFound = 500;
constexpr CUresult kInvalidConfiguration = 9;

/// What the compiler's nnc-nvptx-emulator-entries pass defines per kernel.
using KernelEntry = void (*)(void **params, const int64_t *ids);

struct Function {
  std::string name;
  KernelEntry entry;
};

const char *errorName(CUresult result) {
  switch (result) {
  case kSuccess:
    return "CUDA_SUCCESS";
  case kInvalidValue:
    return "CUDA_ERROR_INVALID_VALUE";
  case kOutOfMemory:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case kInvalidConfiguration:
    return "CUDA_ERROR_INVALID_CONFIGURATION";
  case kInvalidImage:
    return "CUDA_ERROR_INVALID_IMAGE";
  case kNotFound:
    return "CUDA_ERROR_NOT_FOUND";
  default:
    return nullptr;
  }
}

/// A device allocation: its pages, then one guard page that is never
/// accessible; the buffer ends where the guard begins (rounded up to 256
/// bytes, cudaMalloc's alignment), so that reading or writing past its end
/// faults.
struct Allocation {
  uintptr_t pages;
  size_t pageBytes;
};

/// By the address handed out; accessible only while `DeviceAccess` objects
/// live.
std::unordered_map<uintptr_t, Allocation> &allocations() {
  static std::unordered_map<uintptr_t, Allocation> map;
  return map;
}

void protectAll(int protection) {
  for (const auto &[address, allocation] : allocations())
    mprotect(reinterpret_cast<void *>(allocation.pages), allocation.pageBytes,
             protection);
}

/// Opens device memory to the emulator for its lifetime.
struct DeviceAccess {
  DeviceAccess() { protectAll(PROT_READ | PROT_WRITE); }
  ~DeviceAccess() { protectAll(PROT_NONE); }
};

unsigned workerCount() {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (const char *cap = std::getenv("NNC_EMU_THREADS"))
    cores = std::clamp(static_cast<unsigned>(std::atoi(cap)), 1u, cores);
  return cores;
}

/// Runs every thread of every block; blocks are independent (no kernel
/// synchronizes across blocks), so they are shared among host threads.
void runGrid(const Function &function, const unsigned grid[3],
             const unsigned block[3], void **params) {
  size_t blocks = size_t(grid[0]) * grid[1] * grid[2];
  std::atomic<size_t> next{0};
  auto work = [&] {
    int64_t ids[12] = {0, 0, 0, 0, 0, 0, block[0], block[1], block[2],
                       grid[0], grid[1], grid[2]};
    for (size_t b = next++; b < blocks; b = next++) {
      ids[3] = b % grid[0];
      ids[4] = b / grid[0] % grid[1];
      ids[5] = b / (size_t(grid[0]) * grid[1]);
      for (unsigned z = 0; z < block[2]; ++z)
        for (unsigned y = 0; y < block[1]; ++y)
          for (unsigned x = 0; x < block[0]; ++x) {
            ids[0] = x;
            ids[1] = y;
            ids[2] = z;
            function.entry(params, ids);
          }
    }
  };
  unsigned helpers =
      static_cast<unsigned>(std::min<size_t>(workerCount(), blocks)) - 1;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < helpers; ++i)
    threads.emplace_back(work);
  work();
  for (std::thread &thread : threads)
    thread.join();
}

} // namespace

extern "C" {

CUresult cuInit(unsigned) { return kSuccess; }

CUresult cuGetErrorName(CUresult result, const char **name) {
  *name = errorName(result);
  return *name ? kSuccess : kInvalidValue;
}

CUresult cuGetErrorString(CUresult result, const char **text) {
  *text = errorName(result) ? "reported by the nnc CUDA emulator" : nullptr;
  return *text ? kSuccess : kInvalidValue;
}

CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return kSuccess;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal == 0 ? kSuccess : kInvalidValue;
}

CUresult cuDeviceGetName(char *name, int length, int) {
  std::snprintf(name, length, "nnc CUDA emulator");
  return kSuccess;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  // Compute capability 9.0, what nnc compiles for by default.
  *value = attribute == 75 ? 9 : 0;
  return kSuccess;
}

CUresult cuDevicePrimaryCtxRetain(void **context, int) {
  static int primary;
  *context = &primary;
  return kSuccess;
}

CUresult cuCtxSetCurrent(void *) { return kSuccess; }
CUresult cuCtxSynchronize() { return kSuccess; }
CUresult cuStreamSynchronize(void *) { return kSuccess; }

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  // Pages of its own, so that each allocation can be protected alone.
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t aligned = std::max<size_t>(256, (bytes + 255) / 256 * 256);
  size_t pageBytes = (aligned + page - 1) / page * page;
  void *memory = mmap(nullptr, pageBytes + page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED)
    return kOutOfMemory;
  // Garbage, as on a GPU: code must not rely on zeroed buffers.
  std::memset(memory, 0xA5, pageBytes);
  mprotect(memory, pageBytes + page, PROT_NONE);
  uintptr_t pages = reinterpret_cast<uintptr_t>(memory);
  *pointer = pages + pageBytes - aligned;
  allocations()[*pointer] = {pages, pageBytes};
  return kSuccess;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
  auto found = allocations().find(pointer);
  if (found == allocations().end())
    return kInvalidValue;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  munmap(reinterpret_cast<void *>(found->second.pages),
         found->second.pageBytes + page);
  allocations().erase(found);
  return kSuccess;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr to, const void *from, size_t bytes) {
  DeviceAccess access;
  std::memcpy(reinterpret_cast<void *>(to), from, bytes);
  return kSuccess;
}

CUresult cuMemcpyDtoH_v2(void *to, CUdeviceptr from, size_t bytes) {
  DeviceAccess access;
  std::memcpy(to, reinterpret_cast<const void *>(from), bytes);
  return kSuccess;
}

CUresult cuMemcpy(CUdeviceptr to, CUdeviceptr from, size_t bytes) {
  DeviceAccess access;
  std::memcpy(reinterpret_cast<void *>(to),
              reinterpret_cast<const void *>(from), bytes);
  return kSuccess;
}

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned,
                            int *, void **) {
  // The kernels run from their host copies; the image must still be the
  // PTX that a GPU would get.
  if (!image || !std::strstr(static_cast<const char *>(image), ".entry"))
    return kInvalidImage;
  *module = const_cast<void *>(image);
  return kSuccess;
}

CUresult cuModuleGetFunction(void **function, void *, const char *name) {
  std::string symbol = std::string("nnc_emu_") + name;
  void *entry = dlsym(RTLD_DEFAULT, symbol.c_str());
  if (!entry) {
    std::fprintf(stderr,
                 "nnc CUDA emulator: no %s in the executable (was it "
                 "compiled with nnc --gpu-emulate?)\n",
                 symbol.c_str());
    return kNotFound;
  }
  // Kept for the process, as the driver keeps loaded functions.
  *function = new Function{name, reinterpret_cast<KernelEntry>(entry)};
  return kSuccess;
}

CUresult cuLaunchKernel(void *function, unsigned gridX, unsigned gridY,
                        unsigned gridZ, unsigned blockX, unsigned blockY,
                        unsigned blockZ, unsigned sharedBytes, void *,
                        void **params, void **extra) {
  const unsigned grid[3] = {gridX, gridY, gridZ};
  const unsigned block[3] = {blockX, blockY, blockZ};
  // sm_90's limits.
  if (!function || extra || sharedBytes > 0 || gridX == 0 || gridY == 0 ||
      gridZ == 0 || gridX > 2147483647u || gridY > 65535 || gridZ > 65535 ||
      blockX == 0 || blockY == 0 || blockZ == 0 || blockX > 1024 ||
      blockY > 1024 || blockZ > 64 ||
      size_t(blockX) * blockY * blockZ > 1024)
    return kInvalidConfiguration;
  DeviceAccess access;
  runGrid(*static_cast<Function *>(function), grid, block, params);
  return kSuccess;
}

} // extern "C"
