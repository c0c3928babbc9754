//===- EvalCommand.cpp - `eval` and `predict` -----------------------------===//

#include "runtime/src/Commands.h"

#include "runtime/src/Error.h"
#include "runtime/src/Evaluate.h"
#include "runtime/src/FileIO.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace nnrt {

int runEval(Session &s) {
  std::vector<float> state = loadOrInitialize(s, true);
  Dataset test = loadData(s, Split::Test);
  // The forward passes alone, without loading the data: what folding
  // BatchNorm (nn-fold-batchnorm) speeds up, and what bench/bench.py reads.
  auto start = std::chrono::steady_clock::now();
  Score score = evaluate(s.model, s.manifest, state.data(), test);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("test samples: %lld\n", static_cast<long long>(score.count));
  std::printf("test loss: %.6f\n", score.loss());
  if (s.manifest.isClassifier())
    std::printf("test accuracy: %.4f\n", score.accuracy());
  std::printf("eval time: %.4f s (%.0f samples/s)\n", seconds,
              double(score.count) / std::max(seconds, 1e-9));
  return ExitOk;
}

int runPredict(Session &s) {
  const Manifest &m = s.manifest;
  std::optional<std::string> input = s.options.text("input");
  std::optional<std::string> output = s.options.text("output");
  if (!input || !output)
    throw UsageError("predict", "needs --input FILE and --output FILE");
  checkWritable(*output);
  std::vector<float> state = loadOrInitialize(s, true);
  Inputs inputs = loadInputs(*input, m);

  int64_t width = m.outputSampleSize();
  std::vector<float> outputs(inputs.count() * width);
  predictAll(s.model, m, state.data(), inputs,
             [&](const float *batch, int64_t first, int64_t n) {
               std::memcpy(outputs.data() + first * width, batch,
                           n * width * sizeof(float));
             });
  Shape shape = m.output;
  shape[0] = inputs.count();
  writeNpy(*output, shape, outputs.data());
  std::printf("wrote %s outputs to %s\n", formatShape(shape).c_str(),
              output->c_str());
  return ExitOk;
}

} // namespace nnrt
