//===- Loss.cpp - test loss and accuracy from network outputs -------------===//

#include "runtime/src/Loss.h"

#include <cmath>

namespace nnrt {

namespace {
/// The first index of the largest value.
int64_t argmax(const float *row, int64_t width) {
  int64_t best = 0;
  for (int64_t c = 1; c < width; ++c)
    if (row[c] > row[best])
      best = c;
  return best;
}
} // namespace

int64_t countCorrect(const Manifest &m, const float *output,
                     const int32_t *labels, int64_t n) {
  int64_t width = m.outputSampleSize(), correct = 0;
  for (int64_t r = 0; r < n; ++r)
    correct += argmax(output + r * width, width) == labels[r];
  return correct;
}

void scoreBatch(const Manifest &m, const float *output, const void *y,
                int64_t n, Score &score) {
  int64_t width = m.outputSampleSize();
  for (int64_t r = 0; r < n; ++r) {
    const float *row = output + r * width;
    if (m.isClassifier()) {
      int32_t label = static_cast<const int32_t *>(y)[r];
      int64_t best = argmax(row, width);
      double sum = 0;
      for (int64_t c = 0; c < width; ++c)
        sum += std::exp(double(row[c]) - row[best]);
      // The margin first: huge logits would swallow log(sum).
      score.lossSum += (double(row[best]) - row[label]) + std::log(sum);
      score.correct += best == label;
    } else {
      const float *target = static_cast<const float *>(y) + r * width;
      double squares = 0;
      for (int64_t c = 0; c < width; ++c)
        squares += (double(row[c]) - target[c]) * (double(row[c]) - target[c]);
      score.lossSum += m.loss == LossKind::MseSum
                           ? squares * double(m.batchSize())
                           : squares / width;
    }
    ++score.count;
  }
}

} // namespace nnrt
