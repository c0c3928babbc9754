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
class ThreadPool {
public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const { return static_cast<int>(workers.size()) + 1; }

  /// Runs body over [0, n) split statically into size() contiguous chunks
  /// (chunk t is [t·n/T, (t+1)·n/T)); the caller runs chunk 0 and returns
  /// when every chunk is done.
  void run(ParallelBody body, void *ctx, int64_t n);

private:
  void work(int index);

  std::vector<std::thread> workers;
  // The current task, published by incrementing `generation`.
  ParallelBody body = nullptr;
  void *ctx = nullptr;
  int64_t n = 0;
  std::atomic<uint64_t> generation{0};
  /// Workers that have not finished the current task.
  std::atomic<int> pending{0};
  bool stopping = false;
  // Sleeping workers wait here once they have spun for a while.
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
