//===- Lsuv.cpp - layer-sequential unit-variance initialization -----------===//

#include "runtime/src/Lsuv.h"

#include "runtime/src/Diagnostics.h"
#include "runtime/src/Error.h"
#include "runtime/src/Shuffle.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace nnrt {

namespace {
/// Variance over all elements of a layer's pre-activation.
double totalVariance(const LayerInfo &layer, const std::vector<float> &tape) {
  const float *z = tape.data() + layer.preOffset;
  int64_t n = layer.numel();
  double sum = 0, squares = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += z[i];
  double mean = sum / double(n);
  for (int64_t i = 0; i < n; ++i)
    squares += (z[i] - mean) * (z[i] - mean);
  return squares / double(n);
}

const TensorInfo &findTensor(const Manifest &m, const std::string &name) {
  for (const TensorInfo &t : m.tensors)
    if (t.name == name)
      return t;
  throw Error("manifest", "layer weight " + name + " is not a tensor");
}
} // namespace

std::vector<LsuvStep> applyLsuv(const ModelEntryPoints &model,
                                const Manifest &m, std::vector<float> &state,
                                const float *x, const void *y,
                                double tolerance, int maxIterations) {
  std::vector<LsuvStep> steps;
  for (const LayerInfo &layer : m.layers) {
    if (layer.weight.empty())
      continue;
    const TensorInfo &w = findTensor(m, layer.weight);
    if (w.role != Role::Trainable)
      continue;
    LsuvStep step{w.name};
    for (;;) {
      double variance =
          totalVariance(layer, runTape(model, m, state.data(), x, y).tape);
      if (step.iterations == 0)
        step.before = variance;
      step.after = variance;
      if (std::fabs(variance - 1.0) <= tolerance ||
          step.iterations == maxIterations || !(variance > 0) ||
          !std::isfinite(variance))
        break;
      double factor = 1.0 / std::sqrt(variance);
      for (int64_t i = 0; i < w.numel(); ++i)
        state[w.offset + i] = float(state[w.offset + i] * factor);
      step.scale *= factor;
      ++step.iterations;
    }
    steps.push_back(step);
  }
  return steps;
}

bool wantsLsuv(const Options &options) {
  std::string init = options.text("init").value_or("model");
  if (init != "model" && init != "lsuv")
    throw UsageError("--init", "must be 'model' or 'lsuv', not '" + init + "'");
  return init == "lsuv";
}

void applyLsuvOnFirstBatch(const Session &s, std::vector<float> &state) {
  const Manifest &m = s.manifest;
  if (!s.model.diagnose || m.tapeSize < 0)
    throw Error("--init=lsuv", "needs nnc_diagnose, which this model (a GPU "
                               "model or an older one) lacks");
  Dataset train = loadData(s, Split::Train);
  int64_t batch = m.batchSize();
  if (train.count() < batch)
    throw Error(train.description, "fewer samples than one batch");
  std::vector<float> x(numElements(m.input)), y(numElements(m.target));
  std::vector<int64_t> first = fileOrder(batch);
  train.x.fill(first.data(), batch, batch, x.data());
  train.y.fill(first.data(), batch, batch, y.data());
  std::printf("%s", formatLsuv(applyLsuv(s.model, m, state, x.data(), y.data()))
                        .c_str());
}

std::string formatLsuv(const std::vector<LsuvStep> &steps) {
  std::ostringstream os;
  char line[256];
  for (const LsuvStep &s : steps) {
    std::snprintf(line, sizeof(line),
                  "lsuv: %s x%.6g (variance %.6g -> %.6g, %d pass%s)\n",
                  s.weight.c_str(), s.scale, s.before, s.after, s.iterations,
                  s.iterations == 1 ? "" : "es");
    os << line;
  }
  return os.str();
}

} // namespace nnrt
