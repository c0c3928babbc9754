//===- BackgroundJobTest.cpp - one job at a time on a thread of its own ---===//

#include "runtime/src/BackgroundJob.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nnrt {
namespace {

TEST(BackgroundJobTest, RunsOnAnotherThreadAndWaitSeesItsWork) {
  BackgroundJob job;
  std::thread::id ranOn;
  int value = 0;
  job.start([&] {
    ranOn = std::this_thread::get_id();
    value = 42;
  });
  job.wait();
  EXPECT_EQ(value, 42);
  EXPECT_NE(ranOn, std::this_thread::get_id());
}

TEST(BackgroundJobTest, RunsJobsOneAfterAnotherOnOneThread) {
  BackgroundJob job;
  std::vector<int> order;
  std::thread::id first, second;
  job.start([&] {
    first = std::this_thread::get_id();
    order.push_back(1);
  });
  job.wait();
  job.start([&] {
    second = std::this_thread::get_id();
    order.push_back(2);
  });
  job.wait();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(first, second);
}

TEST(BackgroundJobTest, WaitRethrowsAndTheNextJobStillRuns) {
  BackgroundJob job;
  job.start([] { throw std::runtime_error("truncated batch"); });
  EXPECT_THROW(
      {
        try {
          job.wait();
        } catch (const std::runtime_error &e) {
          EXPECT_STREQ(e.what(), "truncated batch");
          throw;
        }
      },
      std::runtime_error);
  bool ran = false;
  job.start([&] { ran = true; });
  EXPECT_NO_THROW(job.wait());
  EXPECT_TRUE(ran);
}

TEST(BackgroundJobTest, DestructionWaitsForTheJobInProgress) {
  std::atomic<bool> done{false};
  {
    BackgroundJob job;
    job.start([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      done = true;
    });
  }
  EXPECT_TRUE(done);
}

} // namespace
} // namespace nnrt
