//===- StreamOrder.h - races between CUDA streams, found ------*- C++ -*-===//
//
// The emulator runs every launch and copy at once, so a program that forgets
// to wait for a stream still computes the right numbers here, and wrong ones
// (sometimes) on a GPU. This keeps what a GPU would keep instead: which work
// of each stream the host has not yet waited for. Work queued on one stream
// that uses a device buffer which unfinished work of another stream also uses
// is a race (nothing orders the two), reported as such; so is host code that
// writes pinned memory while an asynchronous copy from it is still queued
// (the memory is read-only until the copy's stream is waited for), or that
// touches pinned memory an asynchronous copy still writes (no access).
//
// The legacy default stream and blocking streams order their work with each
// other (CUDA's legacy semantics); each non-blocking stream is on its own.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CUDA_EMULATOR_STREAMORDER_H
#define NNC_CUDA_EMULATOR_STREAMORDER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nnc::emu {

/// A stream handle (cuStreamCreate); null is the legacy default stream.
struct Stream;
Stream *createStream(unsigned flags);

/// Two pieces of work that nothing orders, on one buffer.
struct Race {
  std::string description;
  uintptr_t buffer;
};

/// Work queued on `stream`, named `what` for the report, that uses the
/// device buffers `buffers` (their start addresses). Returns the race when
/// unfinished work of a stream not ordered with `stream` uses one of them
/// too (either of the two writing it), else a Race with no description.
Race enqueue(Stream *stream, const std::string &what,
             const std::vector<uintptr_t> &buffers, bool writes);

/// An asynchronous copy from pinned memory [source, source + bytes) queued
/// on `stream`: read-only until the stream is waited for.
void holdPinnedSource(Stream *stream, const void *source, size_t bytes);

/// The emulator's own write of a copy's bytes into host memory, which may
/// be pinned memory that queued copies hold.
void copyToHost(void *destination, const void *source, size_t bytes);

/// An asynchronous copy into pinned memory [destination, destination +
/// bytes) queued on `stream`: inaccessible to the host until the stream is
/// waited for.
void holdPinnedDestination(Stream *stream, const void *destination,
                           size_t bytes);

/// The host waited for `stream` (and, for the legacy stream, for what
/// blocking streams queued), or for every stream.
void finishStream(Stream *stream);
void finishAll();

/// A point in a stream's work (cuEventRecord): what it had queued so far.
struct Mark {
  Stream *stream = nullptr;
  size_t work = 0, held = 0;
};
Mark markStream(Stream *stream);
/// The host waited for the work queued before `mark` (cuEventSynchronize);
/// what was queued after it is still unfinished.
void finishUpTo(const Mark &mark);

/// Pinned host memory (cuMemAllocHost): whole pages, so that it can be made
/// read-only alone.
void *allocatePinned(size_t bytes);

} // namespace nnc::emu

#endif // NNC_CUDA_EMULATOR_STREAMORDER_H
