//===- LossTest.cpp - test loss and accuracy from outputs -----------------===//

#include "runtime/src/Loss.h"

#include "runtime/test/TestSupport.h"

#include <cmath>

namespace nnrt {
namespace {

TEST(LossTest, SoftmaxCrossEntropyAndAccuracy) {
  Manifest m = parseManifest(test::kSmallManifest); // 3 classes.
  // Row 0: uniform logits; row 1: confident and right; row 2: huge logits
  // (log-sum-exp must not overflow), wrong; row 3 is padding.
  float output[] = {0, 0, 0, 2000, 0, 0, 0, 1000, 1001, 9, 9, 9};
  int32_t labels[] = {1, 0, 1, 2};
  Score score;
  scoreBatch(m, output, labels, 3, score);
  EXPECT_EQ(score.count, 3);
  // Ties go to the first class: row 0 predicts 0 (wrong).
  EXPECT_EQ(score.correct, 1);
  double expected =
      std::log(3.0) + 0 + (1001 + std::log1p(std::exp(-1.0)) - 1000);
  EXPECT_NEAR(score.lossSum, expected, 1e-9);
  EXPECT_NEAR(score.loss(), expected / 3, 1e-9);
  EXPECT_DOUBLE_EQ(score.accuracy(), 1.0 / 3);
  EXPECT_EQ(countCorrect(m, output, labels, 3), 1);
  EXPECT_EQ(countCorrect(m, output, labels, 1), 0);
  EXPECT_EQ(countCorrect(m, output, labels, 2), 1);
}

TEST(LossTest, HugeEqualLogitsKeepLogOfClassCount) {
  Manifest m = parseManifest(test::kSmallManifest); // 3 classes.
  // max + log(sum) in one sum would round log 3 away at 1e32.
  float output[] = {1e32f, 1e32f, 1e32f};
  int32_t labels[] = {2};
  Score score;
  scoreBatch(m, output, labels, 1, score);
  EXPECT_NEAR(score.loss(), std::log(3.0), 1e-12);
}

TEST(LossTest, MeanSquaredError) {
  Manifest m = parseManifest("nnc 1\nmodel r\ninput 2,1\ntarget f32 2,2\n"
                             "output 2,2\nloss mse\nstate_size 0\n");
  float output[] = {1, 2, 0, 0};
  float targets[] = {0, 0, 3, 1};
  Score score;
  scoreBatch(m, output, targets, 2, score);
  // (1 + 4) / 2 and (9 + 1) / 2, averaged over samples: like PyTorch's
  // MSELoss(reduction="mean") over the whole batch.
  EXPECT_DOUBLE_EQ(score.loss(), (2.5 + 5.0) / 2);
  EXPECT_EQ(score.correct, 0);
}

TEST(LossTest, SummedSquaredErrorIsTheBatchLoss) {
  Manifest m = parseManifest("nnc 1\nmodel r\ninput 2,1\ntarget f32 2,2\n"
                             "output 2,2\nloss mse_sum\nstate_size 0\n");
  float output[] = {1, 2, 0, 0};
  float targets[] = {0, 0, 3, 1};
  Score score;
  scoreBatch(m, output, targets, 2, score);
  // PyTorch's MSELoss(reduction="sum") of this batch of 2: 5 + 10, the loss
  // that training reports for it.
  EXPECT_DOUBLE_EQ(score.loss(), 15.0);
  // One sample: its share of a batch of two like it.
  Score one;
  scoreBatch(m, output, targets, 1, one);
  EXPECT_DOUBLE_EQ(one.loss(), 10.0);
}

} // namespace
} // namespace nnrt
