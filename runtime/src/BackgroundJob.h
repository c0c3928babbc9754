//===- BackgroundJob.h - one job at a time on a thread of its own -*- C++ -*-===//
//
// While a GPU training step is being queued (tens of kernel launches, each
// microseconds of host time), the next batch is converted on this thread:
// the host's work per step is then the longer of the two, not their sum.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_BACKGROUNDJOB_H
#define NNRT_BACKGROUNDJOB_H

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace nnrt {

/// A thread that runs the jobs given to start(), one at a time. The thread
/// is made by the first start() and sleeps between jobs; wait() spins a
/// little before it sleeps. Destruction waits for the job in progress
/// (whose captures must outlive the BackgroundJob).
class BackgroundJob {
public:
  BackgroundJob() = default;
  ~BackgroundJob();
  BackgroundJob(const BackgroundJob &) = delete;
  BackgroundJob &operator=(const BackgroundJob &) = delete;

  /// Starts `job` on the thread; the previous job must have been waited for.
  void start(std::function<void()> job);
  /// Returns when the job started last is done; rethrows what it threw.
  void wait();

private:
  void loop();

  std::thread thread;
  std::mutex mutex;
  std::condition_variable changed;
  std::function<void()> job;
  /// A job was started and has not finished (read without the lock by the
  /// spinning side).
  std::atomic<bool> running{false};
  bool stopping = false;
  std::exception_ptr failure;
};

} // namespace nnrt

#endif // NNRT_BACKGROUNDJOB_H
