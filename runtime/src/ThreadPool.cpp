//===- ThreadPool.cpp - persistent threads for compiled parallel loops ----===//

#include "runtime/src/ThreadPool.h"

#include "runtime/include/nnrt/nnrt.h"
#include "runtime/src/Spin.h"

#include <chrono>
#include <memory>
#include <sched.h>

namespace nnrt {

namespace {

/// Chunks per thread: enough that a late thread costs the others little,
/// few enough that claiming them costs nothing.
constexpr int64_t kChunksPerThread = 4;

/// Bits of ThreadPool::state that count claimed chunks (kMaxThreads ·
/// kChunksPerThread fit); all ones marks a closed task.
constexpr unsigned kChunkBits = 24;
constexpr uint64_t kChunkMask = (uint64_t{1} << kChunkBits) - 1;

/// Set while a thread runs a body, so that nested calls run serially.
thread_local bool insideBody = false;

} // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i)
    workers.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    state.fetch_add(uint64_t{1} << kChunkBits, std::memory_order_release);
  }
  wake.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

int64_t ThreadPool::chunkCount(int64_t count) const {
  if (workers.empty())
    return count > 0 ? 1 : 0;
  return std::min<int64_t>(count, size() * kChunksPerThread);
}

void ThreadPool::runChunks(uint64_t generation) {
  uint64_t claim = state.load(std::memory_order_acquire);
  // The task's fields, read before a chunk is claimed. They belong to the
  // generation of a successful claim: run() closes the previous task
  // (claims fail from then on) before it writes the next task's fields,
  // and these acquire loads order that closing before the claim below.
  ParallelBody task = body.load(std::memory_order_acquire);
  void *taskCtx = ctx.load(std::memory_order_acquire);
  int64_t count = n.load(std::memory_order_acquire);
  int64_t total = chunks.load(std::memory_order_acquire);
  while ((claim >> kChunkBits) == generation &&
         static_cast<int64_t>(claim & kChunkMask) < total) {
    if (!state.compare_exchange_weak(claim, claim + 1,
                                     std::memory_order_acquire))
      continue;
    int64_t chunk = static_cast<int64_t>(claim & kChunkMask);
    task(taskCtx, count * chunk / total, count * (chunk + 1) / total);
    done.fetch_add(1, std::memory_order_release);
    claim = state.load(std::memory_order_acquire);
  }
}

void ThreadPool::run(ParallelBody task, void *taskCtx, int64_t count) {
  if (workers.empty() || insideBody || count <= 1) {
    if (count > 0)
      task(taskCtx, 0, count);
    return;
  }
  // Close the previous task: a late thread that read its state must not
  // claim a chunk against the fields written next.
  uint64_t generation = state.load(std::memory_order_relaxed) >> kChunkBits;
  state.store((generation << kChunkBits) | kChunkMask,
              std::memory_order_relaxed);
  int64_t total = chunkCount(count);
  body.store(task, std::memory_order_release);
  ctx.store(taskCtx, std::memory_order_release);
  n.store(count, std::memory_order_release);
  chunks.store(total, std::memory_order_release);
  done.store(0, std::memory_order_relaxed);
  ++generation;
  {
    // Under the mutex, so that a worker between its last check and its
    // wait cannot miss the notification.
    std::lock_guard<std::mutex> lock(mutex);
    state.store(generation << kChunkBits, std::memory_order_release);
    if (sleepers > 0)
      wake.notify_all();
  }
  insideBody = true;
  runChunks(generation);
  insideBody = false;
  unsigned spins = 0;
  while (done.load(std::memory_order_acquire) != total)
    relax(spins);
}

void ThreadPool::work() {
  insideBody = true;
  uint64_t seen = 0;
  auto generation = [&] {
    return state.load(std::memory_order_acquire) >> kChunkBits;
  };
  for (;;) {
    auto deadline = std::chrono::steady_clock::now() + kSpinTime;
    unsigned spins = 0;
    while (generation() == seen) {
      relax(spins);
      if (spins % 128 != 0 || std::chrono::steady_clock::now() < deadline)
        continue;
      std::unique_lock<std::mutex> lock(mutex);
      ++sleepers;
      wake.wait(lock, [&] { return generation() != seen; });
      --sleepers;
    }
    seen = generation();
    if (stopping)
      return;
    runChunks(seen);
  }
}

namespace {
int requestedThreads = 0;
std::unique_ptr<ThreadPool> pool;

int countCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return CPU_COUNT(&set);
  unsigned cores = std::thread::hardware_concurrency();
  return cores ? static_cast<int>(cores) : 1;
}
} // namespace

void setThreadCount(int threads) {
  requestedThreads = threads < 1 ? 1 : threads;
  if (pool && pool->size() != requestedThreads)
    pool.reset();
}

int getThreadCount() {
  return requestedThreads ? requestedThreads : countCores();
}

} // namespace nnrt

void nnrt_parallel_for(void (*fn)(void *ctx, int64_t begin, int64_t end),
                       void *ctx, int64_t n) {
  if (!nnrt::pool)
    nnrt::pool = std::make_unique<nnrt::ThreadPool>(nnrt::getThreadCount());
  nnrt::pool->run(fn, ctx, n);
}
