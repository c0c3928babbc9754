//===- DiagnosticsTest.cpp - the statistics of ./model diagnose -----------===//

#include "runtime/src/Diagnostics.h"
#include "runtime/src/Error.h"
#include "runtime/src/SvgPlot.h"

#include "runtime/test/TestSupport.h"

#include <cmath>

namespace nnrt {
namespace {

TEST(DiagnosticsTest, NeuronVarianceIsTheMeanOfPerUnitBatchVariances) {
  // Unit 0: {1, 3} (variance 1), unit 1: {5, 5} (variance 0).
  float z[] = {1, 5, 3, 5};
  double variance = 0, ratio = 0;
  neuronVariance(z, 2, 2, variance, ratio);
  EXPECT_DOUBLE_EQ(variance, 0.5);
  // Mean square over all elements: (1 + 25 + 9 + 25) / 4 = 15.
  EXPECT_DOUBLE_EQ(ratio, 0.5 / 15);
}

TEST(DiagnosticsTest, CosineOverDistinctPairs) {
  // Rows (1,0), (1,0), (0,2): pairs 1 (twice, both orders), 0 (four).
  float a[] = {1, 0, 1, 0, 0, 2};
  EXPECT_DOUBLE_EQ(meanPairwiseCosine(a, 3, 2), 2.0 / 6);
  // A zero row counts 0 in each of its pairs.
  float withZero[] = {1, 0, 0, 0, 2, 0};
  EXPECT_DOUBLE_EQ(meanPairwiseCosine(withZero, 3, 2), 2.0 / 6);
  float identical[] = {3, 4, 3, 4};
  EXPECT_NEAR(meanPairwiseCosine(identical, 2, 2), 1.0, 1e-15);
}

TEST(DiagnosticsTest, DeadUnitsAreNonPositiveForEverySample) {
  float z[] = {-1, 0, 2, -3, 0, -1};
  // Unit 0: -1, -3 dead; unit 1: 0, 0 dead; unit 2: 2, -1 alive.
  EXPECT_DOUBLE_EQ(deadFraction(z, 2, 3), 2.0 / 3);
}

TEST(DiagnosticsTest, ReportFromManifestLayers) {
  std::string text = std::string(test::kSmallManifest) +
                     "tape_size 20\n"
                     "layer h relu w 0 8 4,2\n"
                     "layer out output w 16 -1 4,1\n";
  Manifest m = parseManifest(text);
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.layers[0].weight, "w");
  EXPECT_EQ(m.layers[1].postOffset, -1);
  std::vector<float> tape(20, 0.0f), grads(m.stateSize, 0.0f);
  for (int i = 0; i < 8; ++i)
    tape[i] = float(i % 2 ? -1 : i), tape[8 + i] = std::max(tape[i], 0.0f);
  grads[0] = 3, grads[1] = 4;
  DiagnoseReport r = buildReport(m, 1.5, grads, tape);
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_DOUBLE_EQ(*r.layers[0].deadFraction, 0.5);
  EXPECT_FALSE(r.layers[1].deadFraction.has_value());
  // cosine of the post-activations (a zero row and three along (1, 0)),
  // cos(pre) of the pre-activations; the output has one tensor for both.
  EXPECT_DOUBLE_EQ(r.layers[0].cosine, 0.5);
  EXPECT_DOUBLE_EQ(r.layers[0].cosinePre, meanPairwiseCosine(tape.data(), 4, 2));
  EXPECT_NE(r.layers[0].cosinePre, r.layers[0].cosine);
  EXPECT_EQ(r.layers[1].cosinePre, r.layers[1].cosine);
  // Trainable tensors only: w and b, not the buffer s.
  ASSERT_EQ(r.gradients.size(), 2u);
  EXPECT_DOUBLE_EQ(r.gradients[0].norm, 5.0);
  EXPECT_NE(formatTable(r).find("hessian_top_eigenvalue  n/a"),
            std::string::npos);
  EXPECT_NE(formatJson(r).find("\"hessian_trace\": null"), std::string::npos);
  EXPECT_EQ(plotReport(r).rfind("<svg", 0), 0u);
}

TEST(DiagnosticsTest, LayerOutsideTheTapeIsAManifestError) {
  std::string text = std::string(test::kSmallManifest) +
                     "tape_size 4\nlayer h relu - 0 8 4,2\n";
  EXPECT_THROW(parseManifest(text), Error);
}

} // namespace
} // namespace nnrt
