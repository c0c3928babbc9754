//===- DiagnoseCommand.cpp - `diagnose`: signal propagation on a batch ----===//
//
// Runs nnc_diagnose on the first --batch-size samples of the training set
// (file order; a multiple of the compiled batch, run batch by batch) and
// reports per layer the statistics of Diagnostics.h, per parameter the
// gradient norm, and the loss: a table on stdout, --json, --plot (SVG).
// --init=lsuv rescales the initial weights first (Lsuv.h); --save writes
// the weights that were diagnosed.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/Commands.h"

#include "runtime/src/Curvature.h"
#include "runtime/src/Diagnostics.h"
#include "runtime/src/Error.h"
#include "runtime/src/FileIO.h"
#include "runtime/src/Lsuv.h"
#include "runtime/src/Shuffle.h"
#include "runtime/src/SvgPlot.h"

#include <cstdio>
#include <cstring>

namespace nnrt {

namespace {
void writeText(const std::string &path, const std::string &text) {
  writeFileAtomically(path, {{text.data(), text.size()}});
}

/// `count` samples from the start of the training set, as x and y.
struct Batches {
  std::vector<float> x, y; // y holds int32 labels or floats
  int64_t count = 0;
  std::string description;
};

Batches firstSamples(const Session &s, int64_t count) {
  const Manifest &m = s.manifest;
  Dataset train = loadData(s, Split::Train);
  if (train.count() < count)
    throw Error(train.description,
                "has " + std::to_string(train.count()) +
                    " samples, fewer than the " + std::to_string(count) +
                    " to diagnose");
  Batches b{std::vector<float>(count * m.inputSampleSize()),
            std::vector<float>(count * m.targetSampleSize()), count,
            train.description};
  std::vector<int64_t> order = fileOrder(count);
  train.x.fill(order.data(), count, count, b.x.data());
  train.y.fill(order.data(), count, count, b.y.data());
  return b;
}

/// Diagnoses `batches` batch by batch: the loss and gradients are the means
/// over the batches (those of the mean loss over all samples), the tape is
/// each layer's rows of all batches one after another.
DiagnoseReport diagnoseBatches(const Session &s, const std::vector<float> &state,
                               const Batches &batches) {
  const Manifest &m = s.manifest;
  int64_t batch = m.batchSize(), runs = batches.count / batch;
  // The merged layout: per layer, [count, D] pre then post.
  Manifest merged = m;
  int64_t size = 0;
  for (LayerInfo &l : merged.layers) {
    l.shape[0] = batches.count;
    l.preOffset = size;
    size += l.numel();
    if (l.postOffset >= 0) {
      l.postOffset = size;
      size += l.numel();
    }
  }
  merged.tapeSize = size;
  merged.input[0] = merged.target[0] = merged.output[0] = batches.count;
  std::vector<float> tape(std::max<int64_t>(size, 1));
  std::vector<double> grads(m.stateSize, 0.0);
  double loss = 0;
  for (int64_t r = 0; r < runs; ++r) {
    TapeRun run = runTape(s.model, m, state.data(),
                          batches.x.data() + r * batch * m.inputSampleSize(),
                          batches.y.data() + r * batch * m.targetSampleSize());
    loss += run.loss / double(runs);
    for (int64_t i = 0; i < m.stateSize; ++i)
      grads[i] += double(run.grads[i]) / double(runs);
    for (size_t k = 0; k < m.layers.size(); ++k) {
      const LayerInfo &from = m.layers[k], &to = merged.layers[k];
      int64_t n = from.numel();
      std::memcpy(&tape[to.preOffset + r * n], &run.tape[from.preOffset],
                  n * sizeof(float));
      if (from.postOffset >= 0)
        std::memcpy(&tape[to.postOffset + r * n], &run.tape[from.postOffset],
                    n * sizeof(float));
    }
  }
  return buildReport(merged, loss, std::vector<float>(grads.begin(), grads.end()),
                     tape);
}

/// The top Hessian eigenvalue and trace of the same mean loss over the
/// trainable parameters, when the model has nnc_hvp (nnc --hessian).
CurvatureStats batchCurvature(const Session &s, const std::vector<float> &state,
                              const Batches &batches) {
  CurvatureStats stats;
  if (!s.model.hvp)
    return stats;
  CurvatureEstimate e = estimateCurvature(
      s, state, batches.x.data(), batches.y.data(),
      batches.count / s.manifest.batchSize(), trainableTensors(s.manifest),
      curvatureOptions(s));
  stats.topEigenvalue = e.topEigenvalue;
  if (e.traceProducts > 0)
    stats.trace = e.trace;
  return stats;
}
} // namespace

int runDiagnose(Session &s) {
  const Manifest &m = s.manifest;
  const Options &o = s.options;
  if (!s.model.diagnose || m.tapeSize < 0)
    throw Error("diagnose",
                m.device.empty()
                    ? "model " + m.model +
                          " was compiled without nnc_diagnose (recompile "
                          "it with this nnc)"
                    : "not available for GPU models yet; compile the "
                      "model for the CPU to diagnose it");
  int64_t count = o.count("batch-size").value_or(m.batchSize());
  if (count < m.batchSize() || count % m.batchSize() != 0)
    throw UsageError("--batch-size",
                     "must be a multiple of the compiled batch size " +
                         std::to_string(m.batchSize()));
  bool lsuv = wantsLsuv(o);
  for (const char *option : {"json", "plot", "save"})
    if (std::optional<std::string> path = o.text(option))
      checkWritable(*path);

  std::vector<float> state = loadOrInitialize(s, false);
  Batches batches = firstSamples(s, count);
  std::printf("batch: the first %lld samples of %s\n",
              static_cast<long long>(count), batches.description.c_str());
  if (lsuv)
    std::printf("%s", formatLsuv(applyLsuv(s.model, m, state, batches.x.data(),
                                           batches.y.data()))
                          .c_str());
  DiagnoseReport report = diagnoseBatches(s, state, batches);
  report.curvature = batchCurvature(s, state, batches);
  std::printf("%s", formatTable(report).c_str());
  if (std::optional<std::string> path = o.text("json"))
    writeText(*path, formatJson(report));
  if (std::optional<std::string> path = o.text("plot"))
    writeText(*path, plotReport(report));
  if (std::optional<std::string> path = o.text("save"))
    saveCheckpoint(*path, m, state.data(),
                   {{"model", m.model},
                    {"seed", std::to_string(defaultSeed(s))},
                    {"init", lsuv ? "lsuv" : "model"}});
  return ExitOk;
}

} // namespace nnrt
