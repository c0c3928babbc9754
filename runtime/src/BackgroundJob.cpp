//===- BackgroundJob.cpp - one job at a time on a thread of its own -------===//

#include "runtime/src/BackgroundJob.h"

#include <utility>

namespace nnrt {

BackgroundJob::~BackgroundJob() {
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return !running; });
    stopping = true;
  }
  changed.notify_all();
  if (thread.joinable())
    thread.join();
}

void BackgroundJob::start(std::function<void()> next) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = std::move(next);
    running = true;
    failure = nullptr;
  }
  if (!thread.joinable())
    thread = std::thread([this] { loop(); });
  changed.notify_all();
}

void BackgroundJob::wait() {
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait(lock, [&] { return !running; });
  if (std::exception_ptr thrown = std::exchange(failure, nullptr))
    std::rethrow_exception(thrown);
}

void BackgroundJob::loop() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    changed.wait(lock, [&] { return stopping || (running && job); });
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
    lock.lock();
    failure = thrown;
    running = false;
    changed.notify_all();
  }
}

} // namespace nnrt
