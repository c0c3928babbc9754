//===- HessianCommand.cpp - `hessian`: curvature of the loss --------------===//
//
// The top Hessian eigenvalue and the trace of the loss on the first
// --batch-size samples of the training set (file order), at the loaded or
// initial weights, over the trainable parameters (Curvature.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/src/Commands.h"

#include "runtime/src/Curvature.h"
#include "runtime/src/Error.h"
#include "runtime/src/FileIO.h"
#include "runtime/src/Npy.h"
#include "runtime/src/Shuffle.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace nnrt {

namespace {

/// --vector IN.npy --product OUT.npy: H·v over the trainable parameters
/// for one vector in the state's layout.
void writeProduct(const Session &s, const std::string &in,
                  const HessianProduct &product,
                  const std::vector<uint8_t> &mask) {
  std::optional<std::string> out = s.options.text("product");
  if (!out)
    throw UsageError("--vector", "needs --product FILE");
  NpyArray array = readNpy(in);
  if (array.count() != s.manifest.stateSize)
    throw Error(in, "has " + std::to_string(array.count()) +
                        " elements, the state " +
                        std::to_string(s.manifest.stateSize));
  std::vector<float> v(array.count()), hv(array.count());
  for (int64_t i = 0; i < array.count(); ++i)
    v[i] = mask[i] ? float(array.at(i)) : 0.0f;
  // H·v of a NaN is NaN everywhere: name the element instead.
  int64_t bad = firstNonFinite(v.data(), v.size());
  if (bad != int64_t(v.size()))
    throw Error(in, "element " + std::to_string(bad) + " is " +
                        formatFloat(v[bad]) + ", not a finite number");
  product(v, hv);
  for (size_t i = 0; i < hv.size(); ++i)
    hv[i] = mask[i] ? hv[i] : 0.0f;
  // As the power iteration: an error, not a file of NaNs.
  bad = firstNonFinite(hv.data(), hv.size());
  if (bad != int64_t(hv.size()))
    throw Error("hessian", "non-finite Hessian-vector product: element " +
                               std::to_string(bad) + " is " +
                               formatFloat(hv[bad]));
  writeNpy(*out, {int64_t(hv.size())}, hv.data());
}

} // namespace

int runHessian(Session &s) {
  const Manifest &m = s.manifest;
  CurvatureOptions options = curvatureOptions(s);
  int64_t batch = m.batchSize();
  int64_t samples = s.options.count("batch-size").value_or(batch);
  if (samples < batch || samples % batch != 0)
    throw UsageError("--batch-size",
                     "must be a multiple of the model's batch size " +
                         std::to_string(batch));
  int64_t batches = samples / batch;
  if (s.options.text("product") && !s.options.text("vector"))
    throw UsageError("--product", "needs --vector FILE");
  // Before the computation, which may take long.
  for (const char *option : {"json", "product"})
    if (std::optional<std::string> path = s.options.text(option))
      checkWritable(*path);

  std::vector<float> state = loadOrInitialize(s, false);
  Dataset train = loadData(s, Split::Train);
  if (train.count() < samples)
    throw Error(train.description, "fewer samples than --batch-size");
  std::vector<float> x(numElements(m.input) * batches);
  // int32_t labels and float targets have the same size: one buffer fits.
  std::vector<int32_t> y(numElements(m.target) * batches);
  std::vector<int64_t> first = fileOrder(samples);
  train.x.fill(first.data(), samples, samples, x.data());
  train.y.fill(first.data(), samples, samples, y.data());

  std::vector<float> trainable = trainableTensors(m);
  if (std::optional<std::string> in = s.options.text("vector")) {
    writeProduct(s, *in,
                 modelHessianProduct(s, state, x.data(), y.data(), batches),
                 trainableMask(m, trainable));
    return ExitOk;
  }
  CurvatureEstimate e = estimateCurvature(s, state, x.data(), y.data(), batches,
                                          trainable, options);

  std::printf("batch: the first %lld samples of %s\n",
              static_cast<long long>(samples), train.description.c_str());
  std::printf("top eigenvalue: %.9g (%lld power iterations, %s)\n",
              e.topEigenvalue, static_cast<long long>(e.iterations),
              e.converged ? "converged" : "not converged");
  if (options.exactTrace)
    std::printf("trace: %.9g (exact, %lld products)\n", e.trace,
                static_cast<long long>(e.traceProducts));
  else if (options.probes > 0)
    std::printf("trace: %.9g +- %.3g (Hutchinson, %lld probes)\n", e.trace,
                e.traceStdError, static_cast<long long>(options.probes));

  if (std::optional<std::string> path = s.options.text("json")) {
    nlohmann::json report = {
        {"model", m.model},
        {"samples", samples},
        {"hessian_top_eigenvalue", e.topEigenvalue},
        {"power_iterations", e.iterations},
        {"converged", e.converged},
        {"hessian_trace", e.reportedTrace()},
        {"trace_std_error", e.traceStdError},
        {"trace_method", options.exactTrace ? "exact" : "hutchinson"},
        {"trace_products", e.traceProducts}};
    std::string text = report.dump(2) + "\n";
    writeFileAtomically(*path, {{text.data(), text.size()}});
  }
  return ExitOk;
}

} // namespace nnrt
