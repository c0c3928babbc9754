//===- Shuffle.cpp - the order of samples in an epoch ---------------------===//

#include "runtime/src/Shuffle.h"

#include "runtime/src/Philox.h"

#include <numeric>
#include <utility>

namespace nnrt {

std::vector<int64_t> fileOrder(int64_t count) {
  std::vector<int64_t> order(count);
  std::iota(order.begin(), order.end(), int64_t(0));
  return order;
}

std::vector<int64_t> shuffledOrder(int64_t count, int64_t seed, int64_t epoch) {
  std::vector<int64_t> order = fileOrder(count);
  PhiloxKey key = philoxKey(seed);
  for (int64_t i = count - 1; i > 0; --i) {
    PhiloxCounter bits = philox4x32_10(
        {uint32_t(i), uint32_t(epoch), 0, uint32_t(Stream::Shuffle)}, key);
    uint64_t r = uint64_t(bits[0]) << 32 | bits[1];
    // Multiply-shift maps r to [0, i] with a bias below (i + 1) / 2^64.
    auto j = static_cast<int64_t>(
        (static_cast<unsigned __int128>(r) * uint64_t(i + 1)) >> 64);
    std::swap(order[i], order[j]);
  }
  return order;
}

} // namespace nnrt
