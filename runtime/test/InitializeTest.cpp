//===- InitializeTest.cpp - initial values of the state -------------------===//

#include "runtime/src/Initialize.h"

#include "runtime/src/Philox.h"
#include "runtime/test/TestSupport.h"

#include <cmath>

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

TensorInfo tensorOf(Dist dist, double a, double b, int64_t count) {
  TensorInfo t;
  t.name = "t";
  t.shape = {count};
  t.dist = dist;
  t.a = a;
  t.b = b;
  return t;
}

void moments(const TensorInfo &t, uint32_t index, int64_t seed, double &mean,
             double &stddev, double &low, double &high) {
  double sum = 0, squares = 0;
  low = INFINITY;
  high = -INFINITY;
  for (uint32_t i = 0; i < t.numel(); ++i) {
    double v = initialValue(t, index, i, seed);
    sum += v;
    squares += v * v;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  mean = sum / t.numel();
  stddev = std::sqrt(squares / t.numel() - mean * mean);
}

TEST(InitializeTest, NormalHasTheRequestedMeanAndStd) {
  double mean, stddev, low, high;
  // 10^5 samples: standard errors 0.0063 (mean) and 0.0045 (std) for b = 2.
  moments(tensorOf(Dist::Normal, 1.5, 2.0, 100000), 3, 42, mean, stddev, low,
          high);
  EXPECT_NEAR(mean, 1.5, 0.03);
  EXPECT_NEAR(stddev, 2.0, 0.02);
  // Tails exist but Box-Muller with 24-bit uniforms stays within ~11.4 sd.
  EXPECT_LT(low, 1.5 - 4 * 2.0);
  EXPECT_GT(high, 1.5 + 4 * 2.0);
}

TEST(InitializeTest, UniformCoversItsInterval) {
  double mean, stddev, low, high;
  moments(tensorOf(Dist::Uniform, -3.0, 1.0, 100000), 0, 1, mean, stddev, low,
          high);
  EXPECT_NEAR(mean, -1.0, 0.02);
  EXPECT_NEAR(stddev, 4.0 / std::sqrt(12.0), 0.01);
  EXPECT_GE(low, -3.0);
  EXPECT_LT(high, 1.0);
  EXPECT_LT(low, -2.99);
  EXPECT_GT(high, 0.99);
}

TEST(InitializeTest, FollowsTheDocumentedFormula) {
  // docs/abi.md: counter (element, tensor index, 0, 0), key = seed.
  PhiloxCounter bits = philox4x32_10({5, 2, 0, 0}, philoxKey(9));
  double u = (bits[0] >> 8) / 16777216.0;
  EXPECT_EQ(initialValue(tensorOf(Dist::Uniform, 2, 4, 10), 2, 5, 9),
            static_cast<float>(2 + 2 * u));
  double u1 = 1 - u, u2 = (bits[1] >> 8) / 16777216.0;
  double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  EXPECT_EQ(initialValue(tensorOf(Dist::Normal, 1, 3, 10), 2, 5, 9),
            static_cast<float>(1 + 3 * z));
}

TEST(InitializeTest, DependsOnSeedTensorAndElement) {
  TensorInfo t = tensorOf(Dist::Normal, 0, 1, 4);
  float base = initialValue(t, 0, 0, 1);
  EXPECT_EQ(base, initialValue(t, 0, 0, 1));
  EXPECT_NE(base, initialValue(t, 0, 0, 2));
  EXPECT_NE(base, initialValue(t, 1, 0, 1));
  EXPECT_NE(base, initialValue(t, 0, 1, 1));
}

TEST(InitializeTest, FillsTensorsAtTheirOffsets) {
  Manifest m = parseManifest(test::kSmallManifest);
  std::vector<float> state(m.stateSize, -7.0f);
  for (size_t i = 0; i < m.tensors.size(); ++i)
    initializeTensor(m, i, 3, state.data());
  EXPECT_EQ(state[18], 0.5f);
  EXPECT_EQ(state[20], 0.5f);
  EXPECT_EQ(state[0], initialValue(m.tensors[0], 0, 0, 3));
  EXPECT_EQ(state[22], initialValue(m.tensors[2], 2, 1, 3));
  for (float v : state)
    EXPECT_NE(v, -7.0f);
}

TEST(InitializeTest, PretrainedNeedsInitFrom) {
  TensorInfo t = tensorOf(Dist::Pretrained, 0, 0, 1);
  t.name = "backbone.weight";
  EXPECT_THAT(errorMessage([&] { initialValue(t, 0, 0, 0); }),
              HasSubstr("tensor backbone.weight: its initializer is "
                        "'pretrained': pass --init-from"));
}

} // namespace
} // namespace nnrt
