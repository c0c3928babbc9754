// Work of two CUDA streams that nothing orders, on the same device buffer:
// the CUDA emulator must report it as a race (a GPU would run it in either
// order), and must not when the host waits for the first stream in between.
// The one kernel, "touch", is this program's own (nnc_emu_touch, with
// nnc_emu_args_touch saying that its parameter is a pointer).
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void nnc_emu_touch(void **params, const int64_t *ids) {
  (void)params;
  (void)ids;
}
const char nnc_emu_args_touch[] = "p";

typedef int (*Alloc)(uint64_t *, size_t);
typedef int (*AllocHost)(void **, size_t);
typedef int (*StreamCreate)(void **, unsigned);
typedef int (*StreamSync)(void *);
typedef int (*CopyAsync)(uint64_t, const void *, size_t, void *);
typedef int (*Copy)(uint64_t, const void *, size_t);
typedef int (*LoadModule)(void **, const void *, unsigned, int *, void **);
typedef int (*GetFunction)(void **, void *, const char *);
typedef int (*Launch)(void *, unsigned, unsigned, unsigned, unsigned,
                      unsigned, unsigned, unsigned, void *, void **, void **);

int main(int argc, char **argv) {
  void *emulator = dlopen(argv[1], RTLD_NOW);
  const char *scenario = argc > 2 ? argv[2] : "";
  Alloc alloc = (Alloc)dlsym(emulator, "cuMemAlloc_v2");
  AllocHost allocHost = (AllocHost)dlsym(emulator, "cuMemAllocHost_v2");
  StreamCreate createStream = (StreamCreate)dlsym(emulator, "cuStreamCreate");
  StreamSync sync = (StreamSync)dlsym(emulator, "cuStreamSynchronize");
  CopyAsync copyAsync = (CopyAsync)dlsym(emulator, "cuMemcpyHtoDAsync_v2");
  Copy copy = (Copy)dlsym(emulator, "cuMemcpyHtoD_v2");
  LoadModule load = (LoadModule)dlsym(emulator, "cuModuleLoadDataEx");
  GetFunction getFunction = (GetFunction)dlsym(emulator, "cuModuleGetFunction");
  Launch launch = (Launch)dlsym(emulator, "cuLaunchKernel");

  uint64_t buffer = 0, other = 0;
  void *stream = NULL, *module = NULL, *touch = NULL, *pinned = NULL;
  if (alloc(&buffer, 1024) || alloc(&other, 1024) ||
      allocHost(&pinned, 1024) ||
      createStream(&stream, /*CU_STREAM_NON_BLOCKING=*/1) ||
      load(&module, ".entry touch", 0, NULL, NULL) ||
      getFunction(&touch, module, "touch"))
    return 2;
  memset(pinned, 1, 1024);
  void *params[] = {&buffer};

  if (!strcmp(scenario, "kernel-then-copy")) {
    // A kernel on the default stream, then a copy into its buffer on the
    // non-blocking stream: a race.
    launch(touch, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL);
    copyAsync(buffer, pinned, 1024, stream);
  } else if (!strcmp(scenario, "copy-then-kernel")) {
    copyAsync(buffer, pinned, 1024, stream);
    launch(touch, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL);
  } else if (!strcmp(scenario, "copy-then-copy")) {
    copyAsync(buffer, pinned, 1024, stream);
    copy(buffer, "x", 1);
  } else if (!strcmp(scenario, "pinned-reused")) {
    // The host refills the pinned source before the copy's stream is done.
    copyAsync(other, pinned, 1024, stream);
    memset(pinned, 2, 1024);
  } else {
    // Ordered: the host waits for the copy's stream before the kernel and
    // before refilling the pinned memory; a copy into another buffer may run
    // beside the kernel.
    copyAsync(buffer, pinned, 1024, stream);
    sync(stream);
    launch(touch, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL);
    memset(pinned, 2, 1024);
    copyAsync(other, pinned, 1024, stream);
    sync(stream);
    sync(NULL);
  }
  printf("no race reported\n");
  return 0;
}
