//===- Spin.h - busy waits of the runtime's threads -------------*- C++ -*-===//
//
// The runtime's threads hand work to each other every few tens of
// microseconds, about what waking a sleeping thread costs: they spin a
// while before they sleep (ThreadPool's workers, BackgroundJob::wait).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SPIN_H
#define NNRT_SPIN_H

#include <chrono>
#include <thread>

namespace nnrt {

/// How long a waiting thread busy-waits before it sleeps. Longer than the
/// serial stretches between two parallel loops of a training step (and
/// between two steps), far shorter than anything a user notices.
constexpr std::chrono::microseconds kSpinTime{500};

/// One step of a busy wait. Every so often it gives the core away: when
/// there are more threads than cores (a shared machine, or --threads above
/// the core count), the thread being waited for may need it to run at all.
inline void relax(unsigned &spins) {
  __builtin_ia32_pause();
  if (++spins % 128 == 0)
    std::this_thread::yield();
}

} // namespace nnrt

#endif // NNRT_SPIN_H
