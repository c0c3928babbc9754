// The CUDA driver entry points that the emulator tests call, found with
// dlsym in the emulator library (cuda.h's signatures, device pointers as
// uint64_t).
#ifndef EMULATOR_API_H
#define EMULATOR_API_H

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

struct Emulator {
  int (*alloc)(uint64_t *, size_t);
  int (*allocHost)(void **, size_t);
  int (*createStream)(void **, unsigned);
  int (*sync)(void *);
  int (*copyAsync)(uint64_t, const void *, size_t, void *);
  int (*copyToHostAsync)(void *, uint64_t, size_t, void *);
  int (*copy)(uint64_t, const void *, size_t);
  int (*loadModule)(void **, const void *, unsigned, int *, void **);
  int (*getFunction)(void **, void *, const char *);
  int (*launch)(void *, unsigned, unsigned, unsigned, unsigned, unsigned,
                unsigned, unsigned, void *, void **, void **);
  int (*eventCreate)(void **, unsigned);
  int (*eventRecord)(void *, void *);
  int (*eventSync)(void *);
};

/// The emulator library at `path`; 0 when it or an entry point is missing.
static int openEmulator(const char *path, struct Emulator *e) {
  void *library = dlopen(path, RTLD_NOW);
  if (!library)
    return 0;
  e->alloc = (int (*)(uint64_t *, size_t))dlsym(library, "cuMemAlloc_v2");
  e->allocHost = (int (*)(void **, size_t))dlsym(library, "cuMemAllocHost_v2");
  e->createStream =
      (int (*)(void **, unsigned))dlsym(library, "cuStreamCreate");
  e->sync = (int (*)(void *))dlsym(library, "cuStreamSynchronize");
  e->copyAsync = (int (*)(uint64_t, const void *, size_t, void *))dlsym(
      library, "cuMemcpyHtoDAsync_v2");
  e->copyToHostAsync = (int (*)(void *, uint64_t, size_t, void *))dlsym(
      library, "cuMemcpyDtoHAsync_v2");
  e->copy = (int (*)(uint64_t, const void *, size_t))dlsym(library,
                                                           "cuMemcpyHtoD_v2");
  e->loadModule = (int (*)(void **, const void *, unsigned, int *,
                           void **))dlsym(library, "cuModuleLoadDataEx");
  e->getFunction = (int (*)(void **, void *, const char *))dlsym(
      library, "cuModuleGetFunction");
  e->launch = (int (*)(void *, unsigned, unsigned, unsigned, unsigned, unsigned,
                       unsigned, unsigned, void *, void **,
                       void **))dlsym(library, "cuLaunchKernel");
  e->eventCreate =
      (int (*)(void **, unsigned))dlsym(library, "cuEventCreate");
  e->eventRecord = (int (*)(void *, void *))dlsym(library, "cuEventRecord");
  e->eventSync = (int (*)(void *))dlsym(library, "cuEventSynchronize");
  return e->eventCreate && e->eventRecord && e->eventSync && e->alloc &&
         e->allocHost && e->createStream && e->sync &&
         e->copyAsync && e->copyToHostAsync && e->copy && e->loadModule && e->getFunction &&
         e->launch;
}

#endif // EMULATOR_API_H
