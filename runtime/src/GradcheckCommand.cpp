//===- GradcheckCommand.cpp - `gradcheck`: gradients vs finite differences ===//
//
// Compares the compiled gradient (nnc_gradient, float32) with central
// differences of the float64 loss (nnc_loss_f64) on one batch. For each
// checked element with analytic a and numeric n the error is
//     |a - n| / max(|a|, |n|, floor),
//     floor = 1e-6 + 1e-3 * max_j |n_j| + 1e-2 * max_k |n_k|
// (j over the tensor's checked elements, k over the model's): relative
// where a gradient is large, and measured against the tensor's and the
// model's gradient scale where it is tiny, which a float32 gradient cannot
// resolve relatively: its rounding follows the terms summed into it, as
// large as any gradient of the model (a bias before a BatchNorm, whose
// exact gradient is 0, came out 1.5e-8 and failed a 1e-9 floor). The step is
// h = fd_step * max(1, |x|); float64 keeps round-off far below the
// tolerance even for small h, and small h rarely crosses a ReLU kink.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/Commands.h"

#include "runtime/src/Error.h"
#include "runtime/src/Philox.h"
#include "runtime/src/Shuffle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace nnrt {

namespace {

/// x ~ U(0, 1); class labels uniform over the classes, or f32 targets
/// ~ U(0, 1): Philox with key = seed, counter = (i, 0 for x / 1 for y, 0, 3).
void syntheticBatch(const Manifest &m, int64_t seed, std::vector<float> &x,
                    std::vector<float> &y) {
  PhiloxKey key = philoxKey(seed);
  auto uniform = [&](int64_t i, uint32_t which) {
    return uniform24(philox4x32_10(
        {uint32_t(i), which, 0, uint32_t(Stream::Synthetic)}, key)[0]);
  };
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(uniform(int64_t(i), 0));
  for (size_t i = 0; i < y.size(); ++i) {
    if (m.isClassifier()) {
      auto label =
          static_cast<int32_t>(uniform(int64_t(i), 1) * double(m.numClasses()));
      static_assert(sizeof(int32_t) == sizeof(float), "y holds either");
      std::memcpy(&y[i], &label, sizeof(label));
    } else {
      y[i] = static_cast<float>(uniform(int64_t(i), 1));
    }
  }
}

} // namespace

int runGradcheck(Session &s) {
  const Manifest &m = s.manifest;
  const ModelEntryPoints &model = s.model;
  if (!m.gradcheck || !model.gradient || !model.lossF64)
    throw Error("gradcheck", "model " + m.model +
                                 " was not compiled for gradient checking "
                                 "(compile it with nnc --gradcheck)");
  double tolerance = s.options.number("tolerance").value_or(1e-3);
  double fdStep = s.options.number("fd-step").value_or(1e-5);
  int64_t maxElements = s.options.count("max-elements").value_or(2000);
  if (tolerance <= 0 || fdStep <= 0)
    throw UsageError(tolerance <= 0 ? "--tolerance" : "--fd-step",
                     "must be greater than 0");

  std::vector<float> state = loadOrInitialize(s, false);
  std::vector<float> x(numElements(m.input)), y(numElements(m.target));
  if (s.options.has("data")) {
    Dataset train = loadData(s, Split::Train);
    if (train.count() < m.batchSize())
      throw Error(train.description, "fewer samples than one batch");
    std::vector<int64_t> first = fileOrder(m.batchSize());
    train.x.fill(first.data(), m.batchSize(), m.batchSize(), x.data());
    train.y.fill(first.data(), m.batchSize(), m.batchSize(), y.data());
    std::printf("batch: the first %lld samples of %s\n",
                static_cast<long long>(m.batchSize()),
                train.description.c_str());
  } else {
    syntheticBatch(m, defaultSeed(s), x, y);
    std::printf("batch: synthetic (pass --data DIR for real data)\n");
  }

  float loss32 = 0;
  std::vector<float> grads(m.stateSize, 0.0f);
  model.gradient(state.data(), x.data(), y.data(), &loss32, grads.data());
  std::vector<double> point(state.begin(), state.end());
  double loss64 = 0;
  model.lossF64(point.data(), x.data(), y.data(), &loss64);
  std::printf("loss: %.9g (float32), %.17g (float64)\n", loss32, loss64);

  // Every checked element first: the floor needs the largest gradient of
  // the model.
  struct Checked {
    const TensorInfo *tensor;
    std::vector<int64_t> elements;
    std::vector<double> analytic, numeric;
  };
  std::vector<Checked> checked;
  double modelScale = 0;
  for (size_t index = 0; index < m.tensors.size(); ++index) {
    const TensorInfo &t = m.tensors[index];
    if (t.role != Role::Trainable)
      continue;
    Checked c{&t, fileOrder(t.numel()), {}, {}};
    // A deterministic sample of the elements when there are too many.
    if (maxElements > 0 && t.numel() > maxElements) {
      c.elements = shuffledOrder(t.numel(), defaultSeed(s), int64_t(index));
      c.elements.resize(maxElements);
      std::sort(c.elements.begin(), c.elements.end());
    }
    for (int64_t e : c.elements) {
      double &value = point[t.offset + e];
      double original = value;
      double h = fdStep * std::max(1.0, std::fabs(original));
      double plus = 0, minus = 0;
      value = original + h;
      model.lossF64(point.data(), x.data(), y.data(), &plus);
      double above = value;
      value = original - h;
      model.lossF64(point.data(), x.data(), y.data(), &minus);
      double below = value;
      value = original;
      c.analytic.push_back(grads[t.offset + e]);
      c.numeric.push_back((plus - minus) / (above - below));
      modelScale = std::max(modelScale, std::fabs(c.numeric.back()));
    }
    checked.push_back(std::move(c));
  }

  bool pass = true;
  for (const Checked &c : checked) {
    double scale = 0;
    for (double n : c.numeric)
      scale = std::max(scale, std::fabs(n));
    double floor = 1e-6 + 1e-3 * scale + 1e-2 * modelScale;
    double worst = 0;
    size_t worstAt = 0;
    for (size_t i = 0; i < c.elements.size(); ++i) {
      double a = c.analytic[i], n = c.numeric[i];
      double error =
          std::fabs(a - n) / std::max({std::fabs(a), std::fabs(n), floor});
      // NaN counts as the worst possible error.
      if (!(error <= worst)) {
        worst = std::isnan(error) ? INFINITY : error;
        worstAt = i;
      }
    }
    bool ok = worst <= tolerance;
    pass = pass && ok;
    const TensorInfo &t = *c.tensor;
    std::printf("%-4s %s %s: %zu of %lld elements, max error %.3g",
                ok ? "ok" : "FAIL", t.name.c_str(),
                formatShape(t.shape).c_str(), c.elements.size(),
                static_cast<long long>(t.numel()), worst);
    if (!c.elements.empty())
      std::printf(" (element %lld: analytic %.9g, numeric %.9g)",
                  static_cast<long long>(c.elements[worstAt]),
                  c.analytic[worstAt], c.numeric[worstAt]);
    std::printf("\n");
  }
  std::printf("gradcheck: %s (tolerance %g)\n", pass ? "PASS" : "FAIL",
              tolerance);
  return pass ? ExitOk : ExitFailure;
}

} // namespace nnrt
