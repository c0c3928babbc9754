//===- ThreadPool.h - persistent threads for compiled parallel loops ------===//
//
// The threads behind nnrt_parallel_for (nnrt.h). Compiled code calls it
// dozens of times per training step for kernels of 10-250 µs, so the pool
// keeps its threads alive and busy-waits for a short while between calls
// instead of paying a futex wake-up for each.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_THREADPOOL_H
#define NNRT_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace nnrt {

/// A loop body of nnrt_parallel_for: iterations [begin, end).
using ParallelBody = void (*)(void *ctx, int64_t begin, int64_t end);

/// `threads` threads in all: the caller of run() and threads − 1 workers.
/// run() is called from one thread at a time (the compiled model's caller);
/// a call from inside a body runs serially.
///
/// The iterations are cut into chunks that depend only on n and the thread
/// count; the threads claim them in order, so a thread that the system has
/// not scheduled yet (a shared machine) leaves its chunks to the others
/// instead of stalling the call. Which thread runs a chunk never changes
/// what it computes.
class ThreadPool {
public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const { return static_cast<int>(workers.size()) + 1; }

  /// Chunks of a call over n iterations: kChunksPerThread per thread, at
  /// most n, one without workers.
  int64_t chunkCount(int64_t n) const;

  /// Runs body over [0, n) in chunkCount(n) contiguous chunks of equal size
  /// (chunk c is [c·n/C, (c+1)·n/C)) and returns when all are done; the
  /// caller takes part.
  void run(ParallelBody body, void *ctx, int64_t n);

private:
  void work();
  /// Claims and runs chunks of the task of `generation` until none is left.
  void runChunks(uint64_t generation);

  std::vector<std::thread> workers;
  /// The generation of the current task (high bits) and its next unclaimed
  /// chunk (low kChunkBits bits): one word, so that a claim is one
  /// compare-and-swap that fails for a stale task.
  std::atomic<uint64_t> state{0};
  // The current task, written before its generation is published.
  std::atomic<ParallelBody> body{nullptr};
  std::atomic<void *> ctx{nullptr};
  std::atomic<int64_t> n{0};
  std::atomic<int64_t> chunks{0};
  /// Chunks of the current task that have finished.
  std::atomic<int64_t> done{0};
  bool stopping = false;
  // Idle workers spin for a while, then wait here.
  std::mutex mutex;
  std::condition_variable wake;
  int sleepers = 0;
};

/// The most threads a pool may have (--threads is checked against it).
constexpr int kMaxThreads = 1024;

/// Sets the number of threads of nnrt_parallel_for (at least 1), replacing
/// the pool. Not to be called while compiled code runs.
void setThreadCount(int threads);

/// The number of threads of nnrt_parallel_for: as set, else all cores.
int getThreadCount();

} // namespace nnrt

#endif // NNRT_THREADPOOL_H
