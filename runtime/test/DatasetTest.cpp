//===- DatasetTest.cpp - data directories, conversions and batches --------===//

#include "runtime/src/Dataset.h"
#include "runtime/src/FileIO.h"

#include "runtime/test/TestSupport.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

/// kSmallManifest: batch 4, 6 inputs per sample (2x3 images), 3 classes.
class DatasetTest : public testing::Test {
protected:
  Manifest m = parseManifest(test::kSmallManifest);
  test::TempDir dir;

  void writeIdxSplit(const std::string &prefix, int64_t count, Shape image,
                     std::vector<uint8_t> labels, bool compressed) {
    Shape dims = {count};
    dims.insert(dims.end(), image.begin(), image.end());
    std::vector<uint8_t> pixels(numElements(dims));
    for (size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = static_cast<uint8_t>(i);
    std::vector<uint8_t> x = test::idxBytes(dims, pixels);
    std::vector<uint8_t> y = test::idxBytes({int64_t(labels.size())}, labels);
    std::string suffix = compressed ? ".gz" : "";
    test::writeBytes(dir.path(prefix + "-images-idx3-ubyte" + suffix),
                     compressed ? test::gzip(x) : x);
    test::writeBytes(dir.path(prefix + "-labels-idx1-ubyte" + suffix),
                     compressed ? test::gzip(y) : y);
  }
};

TEST_F(DatasetTest, LoadsIdxAndScalesPixels) {
  writeIdxSplit("train", 5, {2, 3}, {0, 1, 2, 1, 0}, true);
  writeIdxSplit("t10k", 2, {2, 3}, {2, 2}, false);
  Dataset train = loadSplit(dir.root(), Split::Train, m, false);
  Dataset test = loadSplit(dir.root(), Split::Test, m, false);
  EXPECT_EQ(train.count(), 5);
  EXPECT_EQ(test.count(), 2);
  EXPECT_THAT(train.description, HasSubstr("train-images-idx3-ubyte.gz"));

  // Rows 4 and 1, then two padding rows of zeros.
  int64_t indices[] = {4, 1};
  std::vector<float> x(4 * 6, -1.0f);
  std::vector<int32_t> y(4, -1);
  train.x.fill(indices, 2, 4, x.data());
  train.y.fill(indices, 2, 4, y.data());
  EXPECT_EQ(x[0], 24.0f / 255.0f);
  EXPECT_EQ(x[5], 29.0f / 255.0f);
  EXPECT_EQ(x[6], 6.0f / 255.0f);
  for (int i = 12; i < 24; ++i)
    EXPECT_EQ(x[i], 0.0f);
  EXPECT_EQ(y, (std::vector<int32_t>{0, 1, 0, 0}));
}

TEST_F(DatasetTest, PrefersIdxAndFallsBackToNpy) {
  std::vector<float> xs(3 * 6, 0.25f);
  writeNpy(dir.path("train-x.npy"), {3, 6}, xs.data());
  std::vector<float> labels = {0, 1, 2};
  writeNpy(dir.path("train-y.npy"), {3}, labels.data());
  // float32 labels are no class indices.
  EXPECT_THAT(
      errorMessage([&] { loadSplit(dir.root(), Split::Train, m, false); }),
      HasSubstr("train-y.npy: the model needs one integer class "
                "index per sample, found float32 samples of shape "
                "[]"));
  writeIdxSplit("train", 4, {6}, {0, 1, 2, 0}, false);
  EXPECT_EQ(loadSplit(dir.root(), Split::Train, m, false).count(), 4);
}

TEST_F(DatasetTest, FloatInputsAreTakenAsTheyAre) {
  std::vector<float> xs(2 * 6);
  for (size_t i = 0; i < xs.size(); ++i)
    xs[i] = 0.5f * i;
  writeNpy(dir.path("x.npy"), {2, 2, 3}, xs.data());
  Inputs inputs = loadInputs(dir.path("x.npy"), m);
  int64_t indices[] = {1};
  std::vector<float> x(4 * 6, -1.0f);
  inputs.fill(indices, 1, 4, x.data());
  EXPECT_EQ(x[0], 3.0f);
  EXPECT_EQ(x[5], 5.5f);
  EXPECT_EQ(x[6], 0.0f);
}

TEST_F(DatasetTest, ExplainsMissingData) {
  EXPECT_EQ(errorMessage([&] { loadSplit(dir.root(), Split::Test, m, false); }),
            dir.root() +
                ": no test data: expected t10k-images-idx3-ubyte[.gz] and "
                "t10k-labels-idx1-ubyte[.gz], or test-x.npy and test-y.npy");
  EXPECT_THAT(
      errorMessage([&] { loadSplit(dir.root(), Split::Train, m, true); }),
      HasSubstr("install Debian's dataset-fashion-mnist package "
                "(apt-get install dataset-fashion-mnist) or pass "
                "--data DIR"));
}

TEST_F(DatasetTest, MixesGzippedAndRawIdxFiles) {
  writeIdxSplit("train", 4, {6}, {0, 1, 2, 0}, false);
  std::string images = dir.path("train-images-idx3-ubyte");
  test::writeBytes(images + ".gz", test::gzip(readFile(images)));
  ASSERT_EQ(std::remove(images.c_str()), 0);
  Dataset train = loadSplit(dir.root(), Split::Train, m, false);
  EXPECT_EQ(train.count(), 4);
  EXPECT_EQ(train.description,
            images + ".gz and " + dir.path("train-labels-idx1-ubyte"));
}

TEST_F(DatasetTest, SaysWhichFileOfAPairIsMissing) {
  test::writeBytes(dir.path("t10k-images-idx3-ubyte.gz"),
                   test::gzip(test::idxBytes({1, 6}, std::vector<uint8_t>(6))));
  std::vector<float> xs(6);
  writeNpy(dir.path("test-y.npy"), {1}, xs.data());
  EXPECT_EQ(errorMessage([&] { loadSplit(dir.root(), Split::Test, m, false); }),
            dir.root() +
                ": no test data: expected t10k-images-idx3-ubyte[.gz] and "
                "t10k-labels-idx1-ubyte[.gz], or test-x.npy and test-y.npy; "
                "found only t10k-images-idx3-ubyte.gz and test-y.npy");
}

TEST_F(DatasetTest, ListsTheDataFilesThatExist) {
  writeIdxSplit("train", 1, {6}, {0}, true);
  std::vector<float> xs(6);
  writeNpy(dir.path("test-x.npy"), {1, 6}, xs.data());
  EXPECT_EQ(dataFiles(dir.root()),
            (std::vector<std::string>{dir.path("train-images-idx3-ubyte.gz"),
                                      dir.path("train-labels-idx1-ubyte.gz"),
                                      dir.path("test-x.npy")}));
  EXPECT_EQ(dataFiles(dir.path("nowhere")), std::vector<std::string>{});
}

TEST_F(DatasetTest, NamesTheSampleOfANonFiniteValue) {
  std::vector<float> xs(3 * 6, 0.5f);
  xs[2 * 6 + 4] = std::nanf("");
  writeNpy(dir.path("x.npy"), {3, 6}, xs.data());
  EXPECT_EQ(errorMessage([&] { loadInputs(dir.path("x.npy"), m); }),
            dir.path("x.npy") + ": sample 2, value 4 of the sample, is nan, not a finite number");
  Manifest regression = parseManifest(
      "nnc 1\nmodel r\ninput 2,6\ntarget f32 2,3\noutput 2,3\nloss mse\n"
      "state_size 0\n");
  NpyArray targets;
  targets.type = NpyType::F32;
  targets.shape = {2, 3};
  std::vector<float> values = {0, 1, 2, 3, -INFINITY, 5};
  targets.data.assign(reinterpret_cast<uint8_t *>(values.data()),
                      reinterpret_cast<uint8_t *>(values.data() + 6));
  EXPECT_EQ(errorMessage([&] { Targets(targets, "y", regression); }),
            "y: sample 1, value 1 of the sample, is -inf, not a finite number");
}

TEST_F(DatasetTest, ImagesMustHaveTheConvolutionsHeightAndWidth) {
  Manifest nchw = parseManifest("nnc 1\nmodel c\ninput 2,1,4,6\n"
                                "target i32 2\noutput 2,3\n"
                                "loss softmax_cross_entropy\nstate_size 0\n");
  auto images = [](Shape shape) {
    NpyArray array;
    array.type = NpyType::U8;
    array.shape = shape;
    array.data.assign(numElements(shape), 0);
    return array;
  };
  // As many pixels, another height and width: refused.
  EXPECT_EQ(errorMessage([&] { Inputs(images({2, 2, 12}), "x", nchw); }),
            "x: samples of shape [2, 12] do not fit the model's input "
            "[2, 1, 4, 6] (one sample [1, 4, 6])");
  // Its height and width, with or without the channel, or flat: taken.
  EXPECT_EQ(Inputs(images({2, 4, 6}), "x", nchw).count(), 2);
  EXPECT_EQ(Inputs(images({2, 1, 4, 6}), "x", nchw).count(), 2);
  // One channel last (NHWC) holds the same bytes as one channel first.
  EXPECT_EQ(Inputs(images({2, 4, 6, 1}), "x", nchw).count(), 2);
  EXPECT_EQ(Inputs(images({2, 24}), "x", nchw).count(), 2);
  // A flat model input (an MLP) takes any image of as many pixels.
  EXPECT_EQ(Inputs(images({2, 2, 3}), "x", m).count(), 2);
}

TEST_F(DatasetTest, RejectsMismatchedFiles) {
  writeIdxSplit("train", 3, {2, 2}, {0, 1, 2}, false);
  EXPECT_THAT(
      errorMessage([&] { loadSplit(dir.root(), Split::Train, m, false); }),
      HasSubstr("train-images-idx3-ubyte: samples of shape [2, 2] "
                "have 4 values, the model's input [4, 6] needs 6 per "
                "sample"));
  writeIdxSplit("train", 3, {6}, {0, 1}, false);
  EXPECT_THAT(
      errorMessage([&] { loadSplit(dir.root(), Split::Train, m, false); }),
      HasSubstr("train-images-idx3-ubyte: has 3 samples but " +
                dir.path("train-labels-idx1-ubyte") + " has 2"));
  writeIdxSplit("train", 0, {6}, {}, false);
  EXPECT_THAT(
      errorMessage([&] { loadSplit(dir.root(), Split::Train, m, false); }),
      HasSubstr("train-images-idx3-ubyte: has no samples"));
  writeIdxSplit("train", 3, {6}, {0, 3, 1}, false);
  EXPECT_THAT(
      errorMessage([&] { loadSplit(dir.root(), Split::Train, m, false); }),
      HasSubstr("train-labels-idx1-ubyte: label 3 of sample 1 is out "
                "of range for 3 classes"));
}

TEST_F(DatasetTest, EncodesLabelsForFloatTargets) {
  Manifest regression = parseManifest(
      "nnc 1\nmodel r\ninput 2,6\ntarget f32 2,3\noutput 2,3\nloss mse\n"
      "state_size 0\n");
  NpyArray labels;
  labels.type = NpyType::U8;
  labels.shape = {2};
  labels.data = {2, 0};
  Targets targets(labels, "y", regression);
  int64_t indices[] = {0, 1};
  float y[6];
  targets.fill(indices, 2, 2, y);
  EXPECT_EQ(std::vector<float>(y, y + 6),
            (std::vector<float>{0, 0, 1, 1, 0, 0}));
  labels.data = {3, 0};
  EXPECT_THAT(errorMessage([&] { Targets(labels, "y", regression); }),
              HasSubstr("y: label 3 of sample 0 cannot be one-hot encoded in "
                        "3 values"));
  NpyArray wrong;
  wrong.type = NpyType::F32;
  wrong.shape = {2, 2};
  wrong.data.assign(16, 0);
  EXPECT_THAT(errorMessage([&] { Targets(wrong, "y", regression); }),
              HasSubstr("y: samples of shape [2] do not match the model's "
                        "target [2, 3]"));
}

} // namespace
} // namespace nnrt
