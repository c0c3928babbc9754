//===- ThreadPoolTest.cpp - the pool behind nnrt_parallel_for -------------===//

#include "runtime/src/ThreadPool.h"

#include "runtime/include/nnrt/nnrt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <utility>

namespace nnrt {
namespace {

/// Records every chunk a body is given and counts how often each iteration
/// runs.
struct Recorder {
  explicit Recorder(int64_t n) : visits(n) {}
  std::vector<std::atomic<int>> visits;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;

  static void body(void *ctx, int64_t begin, int64_t end) {
    auto *self = static_cast<Recorder *>(ctx);
    for (int64_t i = begin; i < end; ++i)
      self->visits[i].fetch_add(1);
    std::lock_guard<std::mutex> lock(self->mutex);
    self->chunks.push_back({begin, end});
  }

  std::vector<std::pair<int64_t, int64_t>> sortedChunks() {
    std::sort(chunks.begin(), chunks.end());
    return chunks;
  }
};

TEST(ThreadPoolTest, RunsEveryIterationOnceInStaticChunks) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 5, 8, 100, 1001}) {
      Recorder recorder(n);
      pool.run(Recorder::body, &recorder, n);
      for (int64_t i = 0; i < n; ++i)
        EXPECT_EQ(recorder.visits[i].load(), 1)
            << "threads " << threads << ", n " << n << ", iteration " << i;
      // The split depends on n and the thread count only: chunk c of C is
      // [c·n/C, (c+1)·n/C), with C = 4 per thread (at most n), or a single
      // one without workers.
      std::vector<std::pair<int64_t, int64_t>> expected;
      int64_t parts = threads == 1 ? std::min<int64_t>(n, 1)
                                   : std::min<int64_t>(n, 4 * threads);
      EXPECT_EQ(pool.chunkCount(n), parts);
      for (int64_t c = 0; c < parts; ++c)
        expected.push_back({n * c / parts, n * (c + 1) / parts});
      EXPECT_EQ(recorder.sortedChunks(), expected)
          << "threads " << threads << ", n " << n;
    }
  }
}

TEST(ThreadPoolTest, ManyShortCallsInARow) {
  // Training steps make thousands of calls of a few microseconds each, of
  // varying sizes; a lost wake-up, a chunk claimed against the previous
  // call's fields or a worker running a stale task would show here.
  for (int threads : {2, 3, 8}) {
    ThreadPool pool(threads);
    std::vector<int64_t> sums(64);
    auto body = [](void *ctx, int64_t begin, int64_t end) {
      auto *out = static_cast<std::vector<int64_t> *>(ctx);
      for (int64_t i = begin; i < end; ++i)
        (*out)[i] += i;
    };
    std::vector<int64_t> expected(sums.size());
    for (int call = 0; call < 50000; ++call) {
      int64_t n = 1 + call * 7919 % static_cast<int64_t>(sums.size());
      pool.run(body, &sums, n);
      for (int64_t i = 0; i < n; ++i)
        expected[i] += i;
    }
    EXPECT_EQ(sums, expected) << "threads " << threads;
  }
}

TEST(ThreadPoolTest, NestedCallsRunSerially) {
  ThreadPool pool(2);
  struct Nest {
    ThreadPool *pool;
    Recorder inner{16};
  } nest{&pool};
  auto outer = [](void *ctx, int64_t begin, int64_t end) {
    auto *nest = static_cast<Nest *>(ctx);
    for (int64_t i = begin; i < end; ++i)
      nest->pool->run(Recorder::body, &nest->inner, 8);
  };
  pool.run(outer, &nest, 2);
  // Two outer iterations, each running all 8 inner ones as one chunk.
  EXPECT_EQ(nest.inner.sortedChunks(),
            (std::vector<std::pair<int64_t, int64_t>>{{0, 8}, {0, 8}}));
}

TEST(ThreadPoolTest, ParallelForUsesTheConfiguredThreadCount) {
  setThreadCount(2);
  EXPECT_EQ(getThreadCount(), 2);
  Recorder recorder(16);
  nnrt_parallel_for(Recorder::body, &recorder, 16);
  EXPECT_EQ(recorder.sortedChunks(),
            (std::vector<std::pair<int64_t, int64_t>>{
                {0, 2}, {2, 4}, {4, 6}, {6, 8}, {8, 10}, {10, 12}, {12, 14},
                {14, 16}}));

  setThreadCount(1);
  Recorder serial(9);
  nnrt_parallel_for(Recorder::body, &serial, 9);
  EXPECT_EQ(serial.sortedChunks(),
            (std::vector<std::pair<int64_t, int64_t>>{{0, 9}}));
}

} // namespace
} // namespace nnrt
