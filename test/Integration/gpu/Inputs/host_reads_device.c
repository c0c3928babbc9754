// Reads "device memory" of the CUDA emulator from the host: must crash, as
// it would with a real GPU; the same bytes copied back with cuMemcpyDtoH
// are fine. With a second argument, copies past the buffer's end instead:
// must crash too.
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
  if (argc > 2) {
    // A copy past the end of the 16-byte buffer (beyond its 256-byte
    // rounding) faults inside the emulator.
    unsigned char big[8192];
    toHost(big, device, sizeof(big));
    printf("copied past the end\n");
    return 0;
  }
  printf("read %d\n", *(volatile unsigned char *)(uintptr_t)device);
  return 0;
}
