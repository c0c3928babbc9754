//===- FakeCuda.cpp - a CUDA driver without a GPU, for CudaTest -----------===//
//
// Built as a shared library that CudaTest loads through $NNRT_LIBCUDA: it
// has every entry point that runtime/src/Cuda.cpp binds, and cuInit reports
// what the real driver reports on a machine whose GPU is missing.
//
//===----------------------------------------------------------------------===//

#include <cstddef>
#include <cstdint>

namespace {
constexpr int kSuccess = 0;
constexpr int kErrorNoDevice = 100;
constexpr int kErrorNotInitialized = 3;
} // namespace

extern "C" {
int cuInit(unsigned) { return kErrorNoDevice; }
int cuGetErrorName(int result, const char **name) {
  *name = result == kErrorNoDevice ? "CUDA_ERROR_NO_DEVICE"
                                   : "CUDA_ERROR_NOT_INITIALIZED";
  return kSuccess;
}
int cuGetErrorString(int result, const char **text) {
  *text = result == kErrorNoDevice ? "no CUDA-capable device is detected"
                                   : "initialization error";
  return kSuccess;
}
int cuDeviceGetCount(int *count) {
  *count = 0;
  return kErrorNotInitialized;
}
int cuDeviceGet(int *, int) { return kErrorNotInitialized; }
int cuDeviceGetName(char *, int, int) { return kErrorNotInitialized; }
int cuDeviceGetAttribute(int *, int, int) { return kErrorNotInitialized; }
int cuDevicePrimaryCtxRetain(void **, int) { return kErrorNotInitialized; }
int cuCtxSetCurrent(void *) { return kErrorNotInitialized; }
int cuCtxSynchronize() { return kErrorNotInitialized; }
int cuMemAlloc_v2(uint64_t *, size_t) { return kErrorNotInitialized; }
int cuMemFree_v2(uint64_t) { return kErrorNotInitialized; }
int cuMemcpyHtoD_v2(uint64_t, const void *, size_t) {
  return kErrorNotInitialized;
}
int cuMemcpyDtoH_v2(void *, uint64_t, size_t) { return kErrorNotInitialized; }
int cuMemcpy(uint64_t, uint64_t, size_t) { return kErrorNotInitialized; }
int cuModuleLoadDataEx(void **, const void *, unsigned, int *, void **) {
  return kErrorNotInitialized;
}
int cuModuleGetFunction(void **, void *, const char *) {
  return kErrorNotInitialized;
}
int cuLaunchKernel(void *, unsigned, unsigned, unsigned, unsigned, unsigned,
                   unsigned, unsigned, void *, void **, void **) {
  return kErrorNotInitialized;
}
int cuStreamSynchronize(void *) { return kErrorNotInitialized; }
}
