// Reads "device memory" of the CUDA emulator from the host: must crash, as
// it would with a real GPU; the same bytes copied back with cuMemcpyDtoH
// are fine.
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

typedef int (*Alloc)(uint64_t *, size_t);
typedef int (*Copy)(void *, uint64_t, size_t);

int main(int argc, char **argv) {
  void *emulator = dlopen(argv[1], RTLD_NOW);
  Alloc alloc = (Alloc)dlsym(emulator, "cuMemAlloc_v2");
  Copy toHost = (Copy)dlsym(emulator, "cuMemcpyDtoH_v2");
  uint64_t device = 0;
  unsigned char byte = 0;
  if (alloc(&device, 16) != 0 || toHost(&byte, device, 1) != 0)
    return 2;
  printf("copied 0x%02X\n", byte);
  fflush(stdout);
  printf("read %d\n", *(volatile unsigned char *)(uintptr_t)device);
  return 0;
}
