//===- Manifest.h - the compiled model's self-description ------*- C++ -*-===//
//
// nnc emits `nnc_manifest`, a text that tells the runtime everything it needs
// about the model: shapes, loss, hyperparameter defaults and every tensor of
// the state. The format is specified in docs/abi.md.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_MANIFEST_H
#define NNRT_MANIFEST_H

#include "runtime/src/Strings.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nnrt {

enum class Dist { Constant, Uniform, Normal, Pretrained };
enum class Role { Trainable, Frozen, Buffer };
/// The model's loss op: softmax cross-entropy (mean over the batch), or the
/// squared error's mean over all elements or (MseSum) its sum.
enum class LossKind { SoftmaxCrossEntropy, Mse, MseSum };
enum class TargetType { I32, F32 };

const char *distName(Dist dist);
const char *roleName(Role role);
const char *lossName(LossKind loss);

struct TensorInfo {
  std::string name;
  int64_t offset = 0;
  Shape shape;
  Dist dist = Dist::Constant;
  double a = 0, b = 0;
  Role role = Role::Trainable;

  int64_t numel() const { return numElements(shape); }
};

/// One layer on the tape of nnc_diagnose (docs/abi.md, `layer` record).
struct LayerInfo {
  std::string name;
  /// The activation (relu, tanh, ...) or "output" for the logits.
  std::string kind;
  /// The dense/conv weight that produces the pre-activation, or empty.
  std::string weight;
  int64_t preOffset = 0;
  /// -1 for the output, which has no post-activation.
  int64_t postOffset = -1;
  Shape shape;

  int64_t numel() const { return numElements(shape); }
};

struct Manifest {
  int64_t version = 0;
  std::string model;
  Shape input, target, output;
  TargetType targetType = TargetType::I32;
  LossKind loss = LossKind::SoftmaxCrossEntropy;
  int64_t stateSize = 0;
  std::map<std::string, double> hparams;
  int64_t flops = 0;
  bool gradcheck = false;
  /// `cuda` for a model compiled with --target=nvptx, empty for the CPU.
  std::string device;
  /// The GPU architecture of a `cuda` model (`sm_90`).
  std::string deviceArch;
  std::vector<TensorInfo> tensors;
  /// Floats written by nnc_diagnose's tape, and what they are; absent
  /// (-1) in models compiled before nnc_diagnose existed.
  int64_t tapeSize = -1;
  std::vector<LayerInfo> layers;

  int64_t batchSize() const { return input[0]; }
  /// Elements of one sample of x, y and the output (all but dimension 0).
  int64_t inputSampleSize() const { return numElements(input) / input[0]; }
  int64_t targetSampleSize() const { return numElements(target) / target[0]; }
  int64_t outputSampleSize() const { return numElements(output) / output[0]; }
  bool isClassifier() const { return loss == LossKind::SoftmaxCrossEntropy; }
  /// Classes of a classifier: the output's dimension 1.
  int64_t numClasses() const { return output[1]; }
  std::optional<double> hparam(const std::string &name) const;
};

/// The manifest format version this runtime reads.
constexpr int64_t kManifestVersion = 1;

/// Parses and validates `text`; errors name the manifest line.
Manifest parseManifest(const std::string &text);

} // namespace nnrt

#endif // NNRT_MANIFEST_H
