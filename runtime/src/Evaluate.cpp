//===- Evaluate.cpp - running the network over a set of samples -----------===//

#include "runtime/src/Evaluate.h"

#include <algorithm>

namespace nnrt {

void predictAll(
    const ModelEntryPoints &model, const Manifest &m, const float *state,
    const Inputs &inputs,
    const std::function<void(const float *, int64_t, int64_t)> &consume) {
  int64_t batch = m.batchSize();
  std::vector<float> x(numElements(m.input)), output(numElements(m.output));
  std::vector<int64_t> indices(batch);
  for (int64_t first = 0; first < inputs.count(); first += batch) {
    int64_t n = std::min(batch, inputs.count() - first);
    for (int64_t i = 0; i < n; ++i)
      indices[i] = first + i;
    inputs.fill(indices.data(), n, batch, x.data());
    model.predict(state, x.data(), output.data());
    consume(output.data(), first, n);
  }
}

Score evaluate(const ModelEntryPoints &model, const Manifest &m,
               const float *state, const Dataset &data) {
  Score score;
  std::vector<int32_t> y(numElements(m.target));
  std::vector<int64_t> indices(m.batchSize());
  predictAll(model, m, state, data.x,
             [&](const float *output, int64_t first, int64_t n) {
               for (int64_t i = 0; i < n; ++i)
                 indices[i] = first + i;
               // int32_t and float have the same size: one buffer fits both.
               data.y.fill(indices.data(), n, m.batchSize(), y.data());
               scoreBatch(m, output, y.data(), n, score);
             });
  return score;
}

} // namespace nnrt
