//===- Shuffle.h - the order of samples in an epoch ------------*- C++ -*-===//
//
// The order of an epoch is a pure function of (seed, epoch), so that a
// resumed run sees the same batches as an uninterrupted one, on any machine.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SHUFFLE_H
#define NNRT_SHUFFLE_H

#include <cstdint>
#include <vector>

namespace nnrt {

/// A permutation of [0, count): Fisher-Yates from the last position down,
/// swapping position i with j = floor(r * (i + 1) / 2^64), where r is the
/// 64-bit number (w0 << 32 | w1) of Philox 4x32-10 with key = seed and
/// counter = (i, epoch, 0, 2). Epochs count from 0.
std::vector<int64_t> shuffledOrder(int64_t count, int64_t seed, int64_t epoch);

/// 0, 1, ..., count - 1 (--no-shuffle).
std::vector<int64_t> fileOrder(int64_t count);

} // namespace nnrt

#endif // NNRT_SHUFFLE_H
