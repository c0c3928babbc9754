//===- BackgroundJob.cpp - one job at a time on a thread of its own -------===//

#include "runtime/src/BackgroundJob.h"

#include "runtime/src/Spin.h"

#include <chrono>
#include <utility>

namespace nnrt {

BackgroundJob::~BackgroundJob() {
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return !running.load(); });
    stopping = true;
  }
  changed.notify_all();
  if (thread.joinable())
    thread.join();
}

void BackgroundJob::start(std::function<void()> next) {
  // The thread first: if it cannot be made, nothing is left running for
  // wait() or the destructor to wait for.
  if (!thread.joinable())
    thread = std::thread([this] { loop(); });
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = std::move(next);
    failure = nullptr;
    running.store(true);
  }
  changed.notify_all();
}

void BackgroundJob::wait() {
  // The job (a batch of 128, ~30 µs) is usually nearly done when the caller
  // has launched the step's kernels, and waking a sleeping thread can cost
  // more than that (on the 2-core build VM, some runs took 230-290 µs per
  // MLP step instead of 125). The job's thread itself sleeps between jobs:
  // spinning there made every step slower on that machine (its two threads
  // share a core).
  auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  unsigned spins = 0;
  while (running.load() &&
         (spins % 128 != 0 || std::chrono::steady_clock::now() < deadline))
    relax(spins);
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait(lock, [&] { return !running.load(); });
  if (std::exception_ptr thrown = std::exchange(failure, nullptr))
    std::rethrow_exception(thrown);
}

void BackgroundJob::loop() {
  while (true) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return stopping || (running.load() && job); });
    if (stopping)
      return;
    std::function<void()> current = std::exchange(job, nullptr);
    lock.unlock();
    std::exception_ptr thrown;
    try {
      current();
    } catch (...) {
      thrown = std::current_exception();
    }
    // Its captures go before the caller is told that it is done.
    current = nullptr;
    lock.lock();
    failure = thrown;
    running.store(false);
    lock.unlock();
    changed.notify_all();
  }
}

} // namespace nnrt
