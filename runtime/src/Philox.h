//===- Philox.h - the Philox 4x32-10 counter-based generator ---*- C++ -*-===//
//
// Every random number of a run comes from Philox 4x32-10 (Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a pure function
// of (counter, key), so values never depend on thread count, call order or
// device. The streams (initialization, noise, shuffling, synthetic data) are
// kept apart by counter word 3; docs/abi.md lists them.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_PHILOX_H
#define NNRT_PHILOX_H

#include <array>
#include <cstdint>

namespace nnrt {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

/// Counter word 3 of each random stream (docs/abi.md, "Random streams").
enum class Stream : uint32_t {
  Init = 0,
  Noise = 1,
  Shuffle = 2,
  Synthetic = 3,
  Curvature = 4
};

PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key);

/// The key of a run's seed: (low 32 bits, high 32 bits).
PhiloxKey philoxKey(int64_t seed);

/// A uniform double in [0, 1) from the top 24 bits of `bits`.
inline double uniform24(uint32_t bits) {
  return static_cast<double>(bits >> 8) * (1.0 / 16777216.0);
}

} // namespace nnrt

#endif // NNRT_PHILOX_H
