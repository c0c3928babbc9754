//===- Dataset.h - samples in memory and their batches ---------*- C++ -*-===//
//
// A data set is the x and y of its samples, kept compactly in the type of
// their files (Fashion-MNIST's 60000 images stay 47 MB of uint8) and
// converted per batch: uint8 inputs become float32 x/255 (torchvision's
// ToTensor), float32 inputs are taken as they are.
//
// A directory holds a data set as IDX files (Fashion-MNIST's names, gzipped
// or not) or as .npy files:
//   train-images-idx3-ubyte[.gz] train-labels-idx1-ubyte[.gz]  or
//   train-x.npy train-y.npy
//   t10k-images-idx3-ubyte[.gz]  t10k-labels-idx1-ubyte[.gz]   or
//   test-x.npy test-y.npy
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_DATASET_H
#define NNRT_DATASET_H

#include "runtime/src/Manifest.h"
#include "runtime/src/Npy.h"

#include <string>
#include <vector>

namespace nnrt {

/// Debian's dataset-fashion-mnist installs here.
constexpr const char *kDefaultDataDir = "/usr/share/datasets/fashion-mnist";

/// The x of a set of samples.
class Inputs {
public:
  Inputs() = default;
  /// Checks that each sample (dimension 0 of `array`) has the model's
  /// per-sample input size, and images a convolution's height and width;
  /// `source` names the file in messages.
  Inputs(NpyArray array, const std::string &source, const Manifest &manifest);

  int64_t count() const { return numSamples; }
  size_t memoryBytes() const { return bytes.size() + floats.size() * 4; }
  /// Writes samples `indices[0..n)` as the first rows of `x` and zeros in
  /// the following rows up to `rows` (padding of a last partial batch).
  void fill(const int64_t *indices, int64_t n, int64_t rows, float *x) const;

private:
  int64_t numSamples = 0, sampleSize = 0;
  std::vector<uint8_t> bytes; // uint8 files, scaled by 1/255 per batch.
  std::vector<float> floats;  // float32 files.
};

/// The y of a set of samples, in the model's target type:
///  - i32 targets: integer class indices in [0, classes).
///  - f32 targets: float32 arrays with the target's per-sample shape, or
///    integer labels, used as values (one value per sample) or one-hot
///    encoded (as many values per sample as the target has).
class Targets {
public:
  Targets() = default;
  Targets(const NpyArray &array, const std::string &source,
          const Manifest &manifest);

  int64_t count() const { return numSamples; }
  size_t memoryBytes() const { return labels.size() * 4 + values.size() * 4; }
  /// Like Inputs::fill; `y` is int32_t or float per the manifest.
  void fill(const int64_t *indices, int64_t n, int64_t rows, void *y) const;

private:
  int64_t numSamples = 0, sampleSize = 0;
  bool classIndices = true;
  std::vector<int32_t> labels;
  std::vector<float> values;
};

struct Dataset {
  Inputs x;
  Targets y;
  std::string description; // The files, for messages.

  int64_t count() const { return x.count(); }
};

enum class Split { Train, Test };

/// Loads `split` from `dir`; `isDefaultDir` adds how to install the data
/// to the message when the files are missing. Each IDX file may be gzipped
/// or not. float32 values must be finite (errors name the sample).
Dataset loadSplit(const std::string &dir, Split split, const Manifest &manifest,
                  bool isDefaultDir);

/// The data files in `dir` (both splits, every name above) that exist.
std::vector<std::string> dataFiles(const std::string &dir);

/// Reads x for `predict`: .npy, or IDX (gzipped or not) otherwise.
Inputs loadInputs(const std::string &path, const Manifest &manifest);

} // namespace nnrt

#endif // NNRT_DATASET_H
