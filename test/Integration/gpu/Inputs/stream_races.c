// Work of two CUDA streams that nothing orders, on the same device buffer:
// the CUDA emulator must report it as a race (a GPU would run it in either
// order), and must not when the host waits for the first stream in between.
// The one kernel, "touch", is this program's own (nnc_emu_touch, with
// nnc_emu_args_touch saying that its parameter is a pointer).
#include "emulator_api.h"

#include <stdio.h>
#include <string.h>

void nnc_emu_touch(void **params, const int64_t *ids) {
  (void)params;
  (void)ids;
}
const char nnc_emu_args_touch[] = "p";

int main(int argc, char **argv) {
  const char *scenario = argc > 2 ? argv[2] : "";
  struct Emulator cuda;
  uint64_t buffer = 0, other = 0;
  void *stream = NULL, *module = NULL, *touch = NULL, *pinned = NULL;
  if (!openEmulator(argv[1], &cuda) || cuda.alloc(&buffer, 1024) ||
      cuda.alloc(&other, 1024) || cuda.allocHost(&pinned, 1024) ||
      cuda.createStream(&stream, /*CU_STREAM_NON_BLOCKING=*/1) ||
      cuda.loadModule(&module, ".entry touch", 0, NULL, NULL) ||
      cuda.getFunction(&touch, module, "touch"))
    return 2;
  memset(pinned, 1, 1024);
  void *params[] = {&buffer};

  if (!strcmp(scenario, "kernel-then-copy")) {
    // A kernel on the default stream, then a copy into its buffer on the
    // non-blocking stream: a race.
    cuda.launch(touch, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL);
    cuda.copyAsync(buffer, pinned, 1024, stream);
  } else if (!strcmp(scenario, "copy-then-kernel")) {
    cuda.copyAsync(buffer, pinned, 1024, stream);
    cuda.launch(touch, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL);
  } else if (!strcmp(scenario, "copy-then-copy")) {
    cuda.copyAsync(buffer, pinned, 1024, stream);
    cuda.copy(buffer, "x", 1);
  } else if (!strcmp(scenario, "pinned-reused")) {
    // The host refills the pinned source before the copy's stream is done.
    cuda.copyAsync(other, pinned, 1024, stream);
    memset(pinned, 2, 1024);
  } else if (!strcmp(scenario, "pinned-read-early")) {
    // The host reads the pinned destination of a copy down before the
    // copy's stream is done.
    cuda.copyToHostAsync(pinned, other, 1024, NULL);
    volatile unsigned char first = ((unsigned char *)pinned)[0];
    (void)first;
  } else if (!strcmp(scenario, "event-partial")) {
    // Two copies down on the default stream with an event between them:
    // waiting for the event finishes the first copy, not the second.
    void *event = NULL, *later = NULL;
    if (cuda.eventCreate(&event, 2) || cuda.allocHost(&later, 1024))
      return 2;
    cuda.copyToHostAsync(pinned, other, 512, NULL);
    cuda.eventRecord(event, NULL);
    cuda.copyToHostAsync(later, other, 512, NULL);
    cuda.eventSync(event);
    printf("read after the event: %d\n", ((unsigned char *)pinned)[0]);
    fflush(stdout);
    volatile unsigned char second = ((unsigned char *)later)[0];
    (void)second;
  } else {
    // Ordered: the host waits for the copy's stream before the kernel and
    // before refilling the pinned memory; a copy into another buffer may run
    // beside the kernel; two copies down into the same pinned memory are
    // read after the default stream is waited for.
    cuda.copyAsync(buffer, pinned, 1024, stream);
    cuda.sync(stream);
    cuda.launch(touch, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL);
    memset(pinned, 2, 1024);
    cuda.copyAsync(other, pinned, 1024, stream);
    cuda.sync(stream);
    cuda.copyToHostAsync(pinned, other, 512, NULL);
    cuda.copyToHostAsync((char *)pinned + 512, other, 512, NULL);
    cuda.sync(NULL);
    if (((unsigned char *)pinned)[1000] != 2)
      return 3;
  }
  printf("no race reported\n");
  return 0;
}
