//===- Curvature.cpp - Hessian eigenvalue and trace from H·v --------------===//
//
// Sums and norms are taken in double: the products come in float, but a
// float dot product over 10⁵ coordinates would cost the Rayleigh quotient
// digits that the stopping test relies on.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/Curvature.h"

#include "runtime/src/Error.h"
#include "runtime/src/Philox.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace nnrt {

namespace {

double dot(const std::vector<float> &a, const std::vector<float> &b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += double(a[i]) * double(b[i]);
  return sum;
}

/// Philox words of coordinate i of draw `draw` of the curvature stream.
PhiloxCounter draw(PhiloxKey key, size_t i, int64_t draw) {
  return philox4x32_10(
      {uint32_t(i), uint32_t(draw), 0, uint32_t(Stream::Curvature)}, key);
}

/// Draw 0: the start of power iteration, N(0, 1) on the masked coordinates.
std::vector<float> startVector(const std::vector<uint8_t> &mask,
                               PhiloxKey key) {
  std::vector<float> v(mask.size(), 0.0f);
  for (size_t i = 0; i < v.size(); ++i)
    if (mask[i]) {
      PhiloxCounter w = draw(key, i, 0);
      double u0 = uniform24(w[0]), u1 = uniform24(w[1]);
      v[i] = float(std::sqrt(-2.0 * std::log(1.0 - u0)) *
                   std::cos(2.0 * M_PI * u1));
    }
  return v;
}

/// Draw 1 + p: probe p of Hutchinson's estimator, ±1 on the masked
/// coordinates.
std::vector<float> rademacher(const std::vector<uint8_t> &mask, PhiloxKey key,
                              int64_t probe) {
  std::vector<float> z(mask.size(), 0.0f);
  for (size_t i = 0; i < z.size(); ++i)
    if (mask[i])
      z[i] = (draw(key, i, 1 + probe)[0] & 1) ? 1.0f : -1.0f;
  return z;
}

/// hv = H·v restricted to the mask.
void maskedProduct(const HessianProduct &product,
                   const std::vector<uint8_t> &mask,
                   const std::vector<float> &v, std::vector<float> &hv) {
  product(v, hv);
  for (size_t i = 0; i < hv.size(); ++i)
    if (!mask[i])
      hv[i] = 0.0f;
}

/// Scales `v` to unit norm; false when it is zero.
bool normalize(std::vector<float> &v) {
  double norm = std::sqrt(dot(v, v));
  if (!(norm > 0) || !std::isfinite(norm))
    return false;
  for (float &e : v)
    e = float(e / norm);
  return true;
}

void powerIteration(const HessianProduct &product,
                    const std::vector<uint8_t> &mask,
                    const CurvatureOptions &options, PhiloxKey key,
                    CurvatureEstimate &estimate) {
  std::vector<float> v = startVector(mask, key), hv(v.size());
  if (!normalize(v))
    return; // Nothing trainable: the restricted Hessian is empty.
  double previous = 0;
  for (int64_t k = 0; k < options.maxIterations; ++k) {
    maskedProduct(product, mask, v, hv);
    double rayleigh = dot(v, hv);
    estimate.topEigenvalue = rayleigh;
    estimate.iterations = k + 1;
    if (!std::isfinite(rayleigh))
      throw Error("hessian", "non-finite Hessian-vector product at power "
                             "iteration " +
                                 std::to_string(k + 1));
    if (k > 0 && std::fabs(rayleigh - previous) <=
                     options.tolerance * std::fabs(rayleigh)) {
      estimate.converged = true;
      return;
    }
    previous = rayleigh;
    v.swap(hv);
    if (!normalize(v)) {
      // H·v = 0: v is an eigenvector of eigenvalue 0.
      estimate.converged = true;
      return;
    }
  }
}

void trace(const HessianProduct &product, const std::vector<uint8_t> &mask,
           const CurvatureOptions &options, PhiloxKey key,
           CurvatureEstimate &estimate) {
  std::vector<float> hz(mask.size());
  if (options.exactTrace) {
    std::vector<float> e(mask.size(), 0.0f);
    double sum = 0;
    for (size_t i = 0; i < mask.size(); ++i)
      if (mask[i]) {
        e[i] = 1.0f;
        maskedProduct(product, mask, e, hz);
        sum += hz[i];
        e[i] = 0.0f;
        ++estimate.traceProducts;
      }
    estimate.trace = sum;
    return;
  }
  double sum = 0, sumSquares = 0;
  for (int64_t p = 0; p < options.probes; ++p) {
    std::vector<float> z = rademacher(mask, key, p);
    maskedProduct(product, mask, z, hz);
    double sample = dot(z, hz);
    sum += sample;
    sumSquares += sample * sample;
  }
  int64_t n = options.probes;
  estimate.traceProducts = n;
  if (n == 0)
    return;
  estimate.trace = sum / double(n);
  if (n > 1) {
    double variance =
        std::max(0.0, (sumSquares - sum * sum / double(n)) / double(n - 1));
    estimate.traceStdError = std::sqrt(variance / double(n));
  }
}

} // namespace

CurvatureEstimate estimateCurvature(const HessianProduct &product,
                                    const std::vector<uint8_t> &mask,
                                    const CurvatureOptions &options) {
  CurvatureEstimate estimate;
  PhiloxKey key = philoxKey(options.seed);
  powerIteration(product, mask, options, key, estimate);
  trace(product, mask, options, key, estimate);
  return estimate;
}

HessianProduct modelHessianProduct(const Session &s,
                                   const std::vector<float> &state,
                                   const float *x, const void *y,
                                   int64_t batches) {
  requireHessianProducts(s);
  const Manifest &m = s.manifest;
  int64_t xSize = numElements(m.input), ySize = numElements(m.target);
  auto partial =
      std::make_shared<std::vector<float>>(batches > 1 ? m.stateSize : 0);
  return [&s, &state, x, y, batches, xSize, ySize,
          partial](const std::vector<float> &v, std::vector<float> &hv) {
    s.model.hvp(state.data(), x, y, v.data(), hv.data());
    // int32 labels and float targets have the same size.
    const auto *yBytes = static_cast<const char *>(y);
    for (int64_t b = 1; b < batches; ++b) {
      s.model.hvp(state.data(), x + b * xSize, yBytes + b * ySize * 4, v.data(),
                  partial->data());
      for (size_t i = 0; i < hv.size(); ++i)
        hv[i] += (*partial)[i];
    }
    if (batches > 1)
      for (float &e : hv)
        e = float(double(e) / double(batches));
  };
}

std::vector<float> trainableTensors(const Manifest &m) {
  std::vector<float> trainable;
  for (const TensorInfo &t : m.tensors)
    trainable.push_back(t.role == Role::Trainable ? 1.0f : 0.0f);
  return trainable;
}

std::vector<uint8_t> trainableMask(const Manifest &m,
                                   const std::vector<float> &trainable) {
  std::vector<uint8_t> mask(m.stateSize, 0);
  for (size_t t = 0; t < m.tensors.size(); ++t)
    if (trainable[t] != 0.0f)
      std::fill_n(mask.begin() + m.tensors[t].offset, m.tensors[t].numel(), 1);
  return mask;
}

CurvatureEstimate estimateCurvature(const Session &s,
                                    const std::vector<float> &state,
                                    const float *x, const void *y,
                                    int64_t batches,
                                    const std::vector<float> &trainable,
                                    const CurvatureOptions &options) {
  return estimateCurvature(modelHessianProduct(s, state, x, y, batches),
                           trainableMask(s.manifest, trainable), options);
}

void requireHessianProducts(const Session &s) {
  if (!s.model.hvp)
    throw Error("hessian", "model " + s.manifest.model +
                               " was not compiled with Hessian-vector "
                               "products (nnc --no-hessian): recompile it "
                               "without that option");
}

CurvatureOptions curvatureOptions(const Session &s) {
  CurvatureOptions options;
  const Options &o = s.options;
  options.maxIterations =
      o.count("hessian-iters").value_or(options.maxIterations);
  options.tolerance = o.number("hessian-tol").value_or(options.tolerance);
  options.probes = o.count("hessian-probes").value_or(options.probes);
  options.exactTrace = o.has("exact-trace");
  options.seed = defaultSeed(s);
  if (options.maxIterations < 1)
    throw UsageError("--hessian-iters", "must be at least 1");
  return options;
}

} // namespace nnrt
