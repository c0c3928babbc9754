//===- ThreadPool.cpp - persistent threads for compiled parallel loops ----===//

#include "runtime/src/ThreadPool.h"

#include "runtime/include/nnrt/nnrt.h"

#include <chrono>
#include <memory>
#include <sched.h>

namespace nnrt {

namespace {

/// How long an idle thread busy-waits for the next task before it sleeps.
/// Longer than the serial stretches between two parallel loops of a training
/// step (and between two steps), far shorter than anything a user notices.
constexpr std::chrono::microseconds kSpinTime{500};

/// Set while a thread runs a body, so that nested calls run serially.
thread_local bool insideBody = false;

/// One step of a busy wait. Every so often it gives the core away: when
/// there are more threads than cores (a shared machine, or --threads above
/// the core count), the thread being waited for may need it to run at all.
void relax(unsigned &spins) {
  __builtin_ia32_pause();
  if (++spins % 128 == 0)
    std::this_thread::yield();
}

/// Chunk `t` of `threads` equal parts of [0, n).
void runChunk(ParallelBody body, void *ctx, int64_t n, int t, int threads) {
  int64_t begin = n * t / threads;
  int64_t end = n * (t + 1) / threads;
  if (begin < end)
    body(ctx, begin, end);
}

} // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i)
    workers.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    generation.fetch_add(1, std::memory_order_release);
  }
  wake.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void ThreadPool::run(ParallelBody task, void *taskCtx, int64_t count) {
  if (workers.empty() || insideBody || count <= 1) {
    if (count > 0)
      task(taskCtx, 0, count);
    return;
  }
  body = task;
  ctx = taskCtx;
  n = count;
  pending.store(static_cast<int>(workers.size()), std::memory_order_relaxed);
  {
    // Under the mutex, so that a worker between its last check and its
    // wait cannot miss the notification.
    std::lock_guard<std::mutex> lock(mutex);
    generation.fetch_add(1, std::memory_order_release);
    if (sleepers > 0)
      wake.notify_all();
  }
  insideBody = true;
  runChunk(task, taskCtx, count, 0, size());
  insideBody = false;
  unsigned spins = 0;
  while (pending.load(std::memory_order_acquire) != 0)
    relax(spins);
}

void ThreadPool::work(int index) {
  insideBody = true;
  uint64_t seen = 0;
  for (;;) {
    auto deadline = std::chrono::steady_clock::now() + kSpinTime;
    unsigned spins = 0;
    while (generation.load(std::memory_order_acquire) == seen) {
      relax(spins);
      if (spins % 128 != 0 || std::chrono::steady_clock::now() < deadline)
        continue;
      std::unique_lock<std::mutex> lock(mutex);
      ++sleepers;
      wake.wait(lock, [&] {
        return generation.load(std::memory_order_acquire) != seen;
      });
      --sleepers;
    }
    seen = generation.load(std::memory_order_acquire);
    if (stopping)
      return;
    runChunk(body, ctx, n, index, size());
    pending.fetch_sub(1, std::memory_order_release);
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
