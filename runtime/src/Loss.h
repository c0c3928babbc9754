//===- Loss.h - test loss and accuracy from network outputs ----*- C++ -*-===//
//
// Evaluation needs only nnc_predict: the runtime computes the loss from the
// outputs, in double, the same way the model's loss is defined.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_LOSS_H
#define NNRT_LOSS_H

#include "runtime/src/Manifest.h"

namespace nnrt {

struct Score {
  double lossSum = 0;
  int64_t correct = 0;
  int64_t count = 0;

  /// The model's loss on a batch, averaged over the samples: the mean of
  /// the samples' losses (scoreBatch).
  double loss() const { return count ? lossSum / count : 0; }
  /// Fraction of samples whose argmax is the label (classifiers only).
  double accuracy() const { return count ? double(correct) / count : 0; }
};

/// Adds the first `n` rows of a batch's `output` and targets `y` to `score`,
/// each row's share of the model's loss on a batch: softmax cross-entropy
/// (log-sum-exp, stable for large logits), the mean of squared errors over
/// the sample's values (mse: the batch's loss is their mean), or their sum
/// times the batch size (mse_sum: the batch's loss is the sum over all its
/// samples, which a full batch of such rows averages to); argmax with ties
/// to the first class for accuracy.
void scoreBatch(const Manifest &manifest, const float *output, const void *y,
                int64_t n, Score &score);

/// How many of the first `n` rows of a classifier's `output` have their
/// largest value at the label.
int64_t countCorrect(const Manifest &manifest, const float *output,
                     const int32_t *labels, int64_t n);

} // namespace nnrt

#endif // NNRT_LOSS_H
