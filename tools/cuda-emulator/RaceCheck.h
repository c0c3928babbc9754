//===- RaceCheck.h - races between the threads of a launch ----*- C++ -*-===//
//
// What compute-sanitizer's racecheck does on a GPU, for kernels built with
// `nnc --gpu-emulate --gpu-race-check`: every load and store of a kernel
// reports here first (tools/cuda-emulator runs the launch's blocks one
// after another then). Two threads of one launch that touch the same 4-byte
// word, at least one writing, are a race unless they belong to one block
// and a barrier separates the two accesses: the GPU runs them in any order,
// while the emulator, running threads one after another, would hide it.
//
// For each word of device memory (per launch) and of the block's shared
// memory (per block) the shadow keeps the last writer and up to two
// readers since, with the number of barriers their block had passed.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CUDA_EMULATOR_RACECHECK_H
#define NNC_CUDA_EMULATOR_RACECHECK_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace nnc::emu {

/// A thread of the launch: its linear block and thread indices.
struct ThreadId {
  int64_t block;
  int64_t thread;
};

/// Forgets the accesses of the previous launch.
void beginLaunchCheck();
/// Forgets the shared-memory accesses of the previous block.
void beginBlockCheck();

/// Checks an access of `bytes` at `address` by `thread`, after `epoch`
/// barriers of its block, to shared memory or device memory. Returns null,
/// or what the race is ("writes a word that", describeLastConflict() then
/// naming the other thread and what it did).
const char *checkAccess(uintptr_t address, size_t bytes, bool writes,
                        ThreadId thread, uint32_t epoch, bool shared);
/// "thread T of block B wrote" of the race checkAccess last returned.
std::string describeLastConflict();

} // namespace nnc::emu

#endif // NNC_CUDA_EMULATOR_RACECHECK_H
