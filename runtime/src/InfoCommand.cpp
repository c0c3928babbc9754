//===- InfoCommand.cpp - `info`: what the model is and what it costs ------===//

#include "runtime/src/Commands.h"

#include "runtime/src/Error.h"
#include "runtime/src/Sass.h"

#include <algorithm>
#include <cstdio>

namespace nnrt {

namespace {

std::string describeInit(const TensorInfo &t) {
  if (t.dist == Dist::Pretrained)
    return distName(t.dist);
  if (t.dist == Dist::Constant)
    return formatString("constant(%g)", t.a);
  return formatString("%s(%g, %g)", distName(t.dist), t.a, t.b);
}

std::string withThousands(int64_t n) {
  std::string digits = std::to_string(n);
  for (int i = int(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(size_t(i), ",");
  return digits;
}

} // namespace

int runInfo(Session &s) {
  const Manifest &m = s.manifest;
  std::printf("model %s (manifest version %lld)\n", m.model.c_str(),
              static_cast<long long>(m.version));
  std::printf("input %s f32, target %s %s, output %s, loss %s\n",
              formatShape(m.input).c_str(), formatShape(m.target).c_str(),
              m.targetType == TargetType::I32 ? "i32" : "f32",
              formatShape(m.output).c_str(), lossName(m.loss));
  if (m.device == "cuda") {
    std::string sassArch = sass::architecture();
    std::printf("device: CUDA GPU, PTX for %s and later%s\n",
                m.deviceArch.c_str(),
                sassArch.empty()
                    ? ""
                    : (", machine code for " + sassArch).c_str());
  }
  for (const auto &[name, value] : m.hparams)
    std::printf("default %s %g\n", name.c_str(), value);

  size_t nameWidth = 6;
  for (const TensorInfo &t : m.tensors)
    nameWidth = std::max(nameWidth, t.name.size());
  std::printf("\n%-*s  %-16s  %-9s  %-26s  %s\n", int(nameWidth), "tensor",
              "shape", "role", "initializer", "elements");
  int64_t params = 0, trainable = 0, buffers = 0;
  for (const TensorInfo &t : m.tensors) {
    std::printf("%-*s  %-16s  %-9s  %-26s  %s\n", int(nameWidth),
                t.name.c_str(), formatShape(t.shape).c_str(), roleName(t.role),
                describeInit(t).c_str(), withThousands(t.numel()).c_str());
    (t.role == Role::Buffer ? buffers : params) += t.numel();
    if (t.role == Role::Trainable)
      trainable += t.numel();
  }
  std::printf("\nparameters: %s (%s trainable), buffer elements: %s\n",
              withThousands(params).c_str(), withThousands(trainable).c_str(),
              withThousands(buffers).c_str());
  std::printf("FLOPs per training step: %s (%s per sample)\n",
              withThousands(m.flops).c_str(),
              withThousands(m.flops / m.batchSize()).c_str());
  std::printf("state memory: %s\n", formatBytes(m.stateSize * 4.0).c_str());
  double batchBytes = 4.0 * (numElements(m.input) + numElements(m.target) +
                             numElements(m.output));
  std::printf("batch buffers (x, y, output): %s\n",
              formatBytes(batchBytes).c_str());
  // Data memory needs the data set; its absence is not an error here.
  try {
    Dataset train = loadData(s, Split::Train);
    Dataset test = loadData(s, Split::Test);
    std::printf(
        "data memory: %s (%lld training and %lld test samples)\n",
        formatBytes(double(train.x.memoryBytes() + train.y.memoryBytes() +
                           test.x.memoryBytes() + test.y.memoryBytes()))
            .c_str(),
        static_cast<long long>(train.count()),
        static_cast<long long>(test.count()));
  } catch (const Error &e) {
    std::printf("data memory: unknown (%s)\n", e.what());
  }
  return ExitOk;
}

} // namespace nnrt
