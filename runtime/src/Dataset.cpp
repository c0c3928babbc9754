//===- Dataset.cpp - samples in memory and their batches ------------------===//

#include "runtime/src/Dataset.h"

#include "runtime/include/nnrt/nnrt.h"
#include "runtime/src/Error.h"
#include "runtime/src/FileIO.h"
#include "runtime/src/Idx.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace nnrt {

namespace {

/// Samples and per-sample size of an array whose dimension 0 is the sample.
void sampleLayout(const NpyArray &array, const std::string &source,
                  int64_t &count, int64_t &sampleSize) {
  if (array.shape.empty())
    throw Error(source, "a scalar, not an array of samples");
  count = array.shape[0];
  sampleSize = numElements(Shape(array.shape.begin() + 1, array.shape.end()));
}

/// x/255 for every byte x, computed as ToTensor does (a true division), so
/// that looking a byte up gives the same bits.
const std::array<float, 256> &byteScale() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> values;
    for (int i = 0; i < 256; ++i)
      values[i] = static_cast<float>(i) / 255.0f;
    return values;
  }();
  return table;
}

std::string perSampleShape(const NpyArray &array) {
  return formatShape(Shape(array.shape.begin() + 1, array.shape.end()));
}

NpyArray fromIdx(IdxArray idx) {
  NpyArray array;
  array.type = NpyType::U8;
  array.shape = std::move(idx.dims);
  array.data = std::move(idx.data);
  return array;
}

bool isNpy(const std::string &path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
}

NpyArray readArray(const std::string &path) {
  return isNpy(path) ? readNpy(path) : fromIdx(readIdx(path));
}

/// The file names of a split (IDX without ".gz").
struct SplitNames {
  std::string images, labels, npyX, npyY;
};

SplitNames splitNames(Split split) {
  if (split == Split::Train)
    return {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "train-x.npy",
            "train-y.npy"};
  return {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "test-x.npy",
          "test-y.npy"};
}

/// The first of `names` that exists in `dir`, else "".
std::string firstExisting(const std::string &dir,
                          const std::vector<std::string> &names) {
  for (const std::string &name : names)
    if (fileExists(dir + "/" + name))
      return name;
  return "";
}

/// A NaN or infinity among the samples would surface only as a NaN loss
/// many steps later: name the file and the sample now.
void checkFinite(const std::vector<float> &values, int64_t sampleSize,
                 const std::string &source) {
  int64_t index = firstNonFinite(values.data(), values.size());
  if (index == int64_t(values.size()))
    return;
  throw Error(source, "sample " + std::to_string(index / sampleSize) +
                          ", value " + std::to_string(index % sampleSize) +
                          " of the sample, is " + formatFloat(values[index]) +
                          ", not a finite number");
}

/// `shape` without its dimensions of 1 (a channel of one, first or last:
/// the same bytes either way).
Shape withoutOnes(const Shape &shape) {
  Shape kept;
  for (int64_t size : shape)
    if (size != 1)
      kept.push_back(size);
  return kept;
}

} // namespace

Inputs::Inputs(NpyArray array, const std::string &source, const Manifest &m) {
  sampleLayout(array, source, numSamples, sampleSize);
  if (sampleSize != m.inputSampleSize())
    throw Error(source,
                "samples of shape " + perSampleShape(array) + " have " +
                    std::to_string(sampleSize) + " values, the model's input " +
                    formatShape(m.input) + " needs " +
                    std::to_string(m.inputSampleSize()) + " per sample");
  // Images for a convolution must have its height and width, not just as
  // many pixels (14x56 is no 28x28); flat samples, or a flat model input
  // (an MLP), only count values.
  Shape file(array.shape.begin() + 1, array.shape.end());
  Shape model(m.input.begin() + 1, m.input.end());
  if (file.size() > 1 && model.size() > 1 &&
      withoutOnes(file) != withoutOnes(model))
    throw Error(source, "samples of shape " + perSampleShape(array) +
                            " do not fit the model's input " +
                            formatShape(m.input) + " (one sample " +
                            formatShape(model) + ")");
  if (array.type == NpyType::U8) {
    bytes = std::move(array.data);
  } else if (array.type == NpyType::F32) {
    floats.assign(reinterpret_cast<const float *>(array.data.data()),
                  reinterpret_cast<const float *>(array.data.data()) +
                      array.count());
    checkFinite(floats, sampleSize, source);
  } else {
    throw Error(source, std::string("inputs must be uint8 or float32, not ") +
                            npyTypeName(array.type));
  }
}

void Inputs::fill(const int64_t *indices, int64_t n, int64_t rows,
                  float *x) const {
  constexpr int64_t kRowsAhead = 2, kCacheLine = 64;
  // Rows are independent: the runtime's threads convert them, a slice each
  // (every row gets the same values whoever converts it).
  struct Batch {
    const Inputs *inputs;
    const int64_t *indices;
    float *x;
  } batch{this, indices, x};
  auto convert = [](void *ctx, int64_t begin, int64_t end) {
    const Batch &b = *static_cast<const Batch *>(ctx);
    const int64_t size = b.inputs->sampleSize;
    const std::array<float, 256> &scale = byteScale();
    const bool bytes = !b.inputs->bytes.empty();
    const char *data =
        bytes ? reinterpret_cast<const char *>(b.inputs->bytes.data())
              : reinterpret_cast<const char *>(b.inputs->floats.data());
    const int64_t rowBytes = size * (bytes ? 1 : sizeof(float));
    for (int64_t r = begin; r < end; ++r) {
      // Shuffled rows are far apart: each one's start misses the caches.
      // Asking for the row after next while converting this one makes the
      // fill about twice as fast (a batch of 128 Fashion-MNIST rows: 74 ->
      // 32 us on one core).
      if (r + kRowsAhead < end) {
        const char *ahead = data + b.indices[r + kRowsAhead] * rowBytes;
        for (int64_t offset = 0; offset < rowBytes; offset += kCacheLine)
          __builtin_prefetch(ahead + offset);
      }
      float *row = b.x + r * size;
      size_t first = static_cast<size_t>(b.indices[r] * size);
      if (bytes) {
        const uint8_t *in = b.inputs->bytes.data() + first;
        for (int64_t i = 0; i < size; ++i)
          row[i] = scale[in[i]];
      } else {
        std::memcpy(row, b.inputs->floats.data() + first,
                    size * sizeof(float));
      }
    }
  };
  nnrt_parallel_for(convert, &batch, n);
  std::memset(x + n * sampleSize, 0, (rows - n) * sampleSize * sizeof(float));
}

Targets::Targets(const NpyArray &array, const std::string &source,
                 const Manifest &m) {
  int64_t fileSampleSize;
  sampleLayout(array, source, numSamples, fileSampleSize);
  sampleSize = m.targetSampleSize();
  bool integral = array.type != NpyType::F32;

  classIndices = m.targetType == TargetType::I32;
  if (classIndices) {
    if (!integral || fileSampleSize != 1)
      throw Error(source, "the model needs one integer class index per "
                          "sample, found " +
                              std::string(npyTypeName(array.type)) +
                              " samples of shape " + perSampleShape(array));
    labels.resize(numSamples);
    for (int64_t i = 0; i < numSamples; ++i) {
      double label = array.at(i);
      if (label < 0 || label >= m.numClasses())
        throw Error(source, "label " + std::to_string(int64_t(label)) +
                                " of sample " + std::to_string(i) +
                                " is out of range for " +
                                std::to_string(m.numClasses()) + " classes");
      labels[i] = static_cast<int32_t>(label);
    }
    return;
  }

  values.assign(numSamples * sampleSize, 0.0f);
  if (fileSampleSize == sampleSize) {
    for (int64_t i = 0; i < numSamples * sampleSize; ++i)
      values[i] = static_cast<float>(array.at(i));
    checkFinite(values, sampleSize, source);
  } else if (integral && fileSampleSize == 1) {
    for (int64_t i = 0; i < numSamples; ++i) {
      double label = array.at(i);
      if (label < 0 || label >= sampleSize)
        throw Error(source, "label " + std::to_string(int64_t(label)) +
                                " of sample " + std::to_string(i) +
                                " cannot be one-hot encoded in " +
                                std::to_string(sampleSize) + " values");
      values[i * sampleSize + int64_t(label)] = 1.0f;
    }
  } else {
    throw Error(source, "samples of shape " + perSampleShape(array) +
                            " do not match the model's target " +
                            formatShape(m.target));
  }
}

void Targets::fill(const int64_t *indices, int64_t n, int64_t rows,
                   void *y) const {
  if (classIndices) {
    int32_t *out = static_cast<int32_t *>(y);
    for (int64_t r = 0; r < n; ++r)
      out[r] = labels[indices[r]];
    std::fill(out + n, out + rows, 0);
    return;
  }
  float *out = static_cast<float *>(y);
  for (int64_t r = 0; r < n; ++r)
    std::memcpy(out + r * sampleSize, values.data() + indices[r] * sampleSize,
                sampleSize * sizeof(float));
  std::fill(out + n * sampleSize, out + rows * sampleSize, 0.0f);
}

Dataset loadSplit(const std::string &dir, Split split, const Manifest &m,
                  bool isDefaultDir) {
  SplitNames names = splitNames(split);
  // Each IDX file may be gzipped or not, whatever its partner is.
  std::string images = firstExisting(dir, {names.images + ".gz", names.images});
  std::string labels = firstExisting(dir, {names.labels + ".gz", names.labels});
  std::string npyX = firstExisting(dir, {names.npyX});
  std::string npyY = firstExisting(dir, {names.npyY});
  std::string xPath, yPath;
  if (!images.empty() && !labels.empty()) {
    xPath = dir + "/" + images;
    yPath = dir + "/" + labels;
  } else if (!npyX.empty() && !npyY.empty()) {
    xPath = dir + "/" + npyX;
    yPath = dir + "/" + npyY;
  } else {
    std::string message =
        std::string("no ") + (split == Split::Train ? "training" : "test") +
        " data: expected " + names.images + "[.gz] and " + names.labels +
        "[.gz], or " + names.npyX + " and " + names.npyY;
    std::vector<std::string> found;
    for (const std::string &name : {images, labels, npyX, npyY})
      if (!name.empty())
        found.push_back(name);
    if (!found.empty())
      message += "; found only " + join(found, " and ");
    if (isDefaultDir)
      message += "; install Debian's dataset-fashion-mnist package (apt-get "
                 "install dataset-fashion-mnist) or pass --data DIR";
    throw Error(dir, message);
  }
  Dataset data;
  data.x = Inputs(readArray(xPath), xPath, m);
  data.y = Targets(readArray(yPath), yPath, m);
  data.description = xPath + " and " + yPath;
  if (data.x.count() == 0)
    throw Error(xPath, "has no samples");
  if (data.x.count() != data.y.count())
    throw Error(xPath, "has " + std::to_string(data.x.count()) +
                           " samples but " + yPath + " has " +
                           std::to_string(data.y.count()));
  return data;
}

std::vector<std::string> dataFiles(const std::string &dir) {
  std::vector<std::string> files;
  for (Split split : {Split::Train, Split::Test}) {
    SplitNames names = splitNames(split);
    for (const std::string &name :
         {names.images + ".gz", names.images, names.labels + ".gz",
          names.labels, names.npyX, names.npyY})
      if (fileExists(dir + "/" + name))
        files.push_back(dir + "/" + name);
  }
  return files;
}

Inputs loadInputs(const std::string &path, const Manifest &m) {
  return Inputs(readArray(path), path, m);
}

} // namespace nnrt
