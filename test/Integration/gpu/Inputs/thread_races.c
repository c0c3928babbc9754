// Threads of one launch that touch the same word, one writing, with no
// barrier between them: the CUDA emulator's race check (nnc
// --gpu-race-check) must report them, and must not report threads that
// touch words of their own or are ordered by a barrier. The kernels are
// this program's own, written as the compiler instruments them: each
// access first calls the check in slot 15 of the id array.
#include "emulator_api.h"

#include <stdio.h>
#include <string.h>

typedef void (*Check)(const int64_t *, void *, int64_t, int32_t);
typedef void (*Barrier)(void);

const char nnc_emu_race_check = 1;
const char nnc_emu_args_same_word[] = "p";
const char nnc_emu_args_own_word[] = "p";
const char nnc_emu_args_shared_unordered[] = "p";
const char nnc_emu_args_shared_ordered[] = "p";
const char nnc_emu_args_host_memory[] = "p";
const char nnc_emu_args_past_end[] = "p";

static void store(const int64_t *ids, float *address, float value) {
  ((Check)ids[15])(ids, address, 4, 1);
  *address = value;
}

static float load(const int64_t *ids, float *address) {
  ((Check)ids[15])(ids, address, 4, 0);
  return *address;
}

// Every thread writes element 0.
void nnc_emu_same_word(void **params, const int64_t *ids) {
  float *out = *(float **)params[0];
  store(ids, &out[0], (float)ids[0]);
}

/// The thread's index in the launch (x only).
static int64_t global_id(const int64_t *ids) {
  return ids[3] * ids[6] + ids[0];
}

// Each thread reads and writes an element of its own.
void nnc_emu_own_word(void **params, const int64_t *ids) {
  float *out = *(float **)params[0];
  int64_t i = global_id(ids);
  store(ids, &out[i], load(ids, &out[i]) + 1);
}

// Thread 0 writes a shared word that thread 1 reads, with (ordered) or
// without a barrier between.
static void shared_exchange(void **params, const int64_t *ids, int ordered) {
  float *out = *(float **)params[0];
  float *shared = (float *)ids[13];
  if (ids[0] == 0)
    store(ids, &shared[0], 42);
  if (ordered)
    ((Barrier)ids[12])();
  if (ids[0] == 1)
    store(ids, &out[global_id(ids)], load(ids, &shared[0]));
}
void nnc_emu_sync_shared_unordered(void **params, const int64_t *ids) {
  shared_exchange(params, ids, 0);
}
void nnc_emu_sync_shared_ordered(void **params, const int64_t *ids) {
  shared_exchange(params, ids, 1);
}

// Every thread writes its element of a buffer one word short (252 bytes):
// thread 31 of block 1 writes past its end.
void nnc_emu_past_end(void **params, const int64_t *ids) {
  float *out = *(float **)params[0];
  store(ids, &out[global_id(ids)], 0);
}

// Reads the host's memory, which a GPU cannot.
float host_value = 1;
void nnc_emu_host_memory(void **params, const int64_t *ids) {
  float *out = *(float **)params[0];
  store(ids, &out[global_id(ids)], load(ids, &host_value));
}

int main(int argc, char **argv) {
  struct Emulator cuda;
  uint64_t buffer = 0;
  void *module = NULL, *kernel = NULL;
  // 64 floats, one per thread, but for the kernel past_end.
  size_t bytes = strcmp(argv[2], "past_end") ? 256 : 252;
  if (!openEmulator(argv[1], &cuda) || cuda.alloc(&buffer, bytes) ||
      cuda.loadModule(&module, ".entry k", 0, NULL, NULL) ||
      cuda.getFunction(&kernel, module, argv[2]))
    return 2;
  void *params[] = {&buffer};
  // Two blocks of 32 threads.
  if (cuda.launch(kernel, 2, 1, 1, 32, 1, 1, 0, NULL, params, NULL))
    return 3;
  printf("no race reported\n");
  return 0;
}
