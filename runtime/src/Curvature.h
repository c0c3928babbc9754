//===- Curvature.h - Hessian eigenvalue and trace from H·v ------*- C++ -*-===//
//
// The curvature of the loss with respect to the parameters, measured only
// through Hessian-vector products (nnc_hvp, docs/curvature.md): the
// eigenvalue of largest magnitude by power iteration, and the trace by
// Hutchinson's estimator with Rademacher probes. Coordinates outside the
// mask (frozen tensors, buffers) are excluded: the operator is the Hessian
// restricted to the trained parameters.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_CURVATURE_H
#define NNRT_CURVATURE_H

#include "runtime/src/Session.h"

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nnrt {

/// hv = H·v for vectors of the operator's dimension.
using HessianProduct =
    std::function<void(const std::vector<float> &v, std::vector<float> &hv)>;

struct CurvatureOptions {
  /// Power iteration stops after this many products ...
  int64_t maxIterations = 100;
  /// ... or when the Rayleigh quotient changes by less than this, relative.
  double tolerance = 1e-4;
  /// Rademacher probes of Hutchinson's estimator; 0 skips the trace.
  int64_t probes = 10;
  /// Exact trace instead: Σ e_iᵀ H e_i, one product per coordinate.
  bool exactTrace = false;
  /// Key of the Philox stream of the start vector and the probes.
  int64_t seed = 0;
};

struct CurvatureEstimate {
  /// The eigenvalue of largest magnitude, with its sign (Rayleigh quotient
  /// of the last iterate).
  double topEigenvalue = 0;
  int64_t iterations = 0;
  bool converged = false;
  /// Hutchinson's mean (or the exact trace) and the standard error of the
  /// mean over the probes (0 for the exact trace or a single probe).
  double trace = 0;
  double traceStdError = 0;
  int64_t traceProducts = 0;

  /// The trace, or NaN (null in JSON) when it was not estimated.
  double reportedTrace() const { return traceProducts > 0 ? trace : NAN; }
};

/// Power iteration and trace of `product` over the coordinates where
/// `mask` is nonzero (the others are zero in every v and ignored in H·v).
CurvatureEstimate estimateCurvature(const HessianProduct &product,
                                    const std::vector<uint8_t> &mask,
                                    const CurvatureOptions &options);

/// H·v of a model's mean loss over `batches` consecutive batches of (x, y)
/// (samples [0, batches·B)) at `state`, through nnc_hvp: the mean of the
/// batches' products. Refers to its arguments, which must outlive it.
HessianProduct modelHessianProduct(const Session &session,
                                   const std::vector<float> &state,
                                   const float *x, const void *y,
                                   int64_t batches);

/// One flag per manifest tensor: 1 for the trainable ones (no freezing), as
/// `hessian` and `diagnose` differentiate.
std::vector<float> trainableTensors(const Manifest &manifest);

/// One flag per state element from one per manifest tensor.
std::vector<uint8_t> trainableMask(const Manifest &manifest,
                                   const std::vector<float> &trainable);

/// The same for a model's mean loss over `batches` consecutive batches of
/// (x, y) (samples [0, batches·B)) at `state`, through nnc_hvp: H·v is the
/// mean of the batches' products. `trainable` holds one flag per manifest
/// tensor, as the training step's. Throws Error when the model was not
/// compiled with --hessian.
CurvatureEstimate estimateCurvature(const Session &session,
                                    const std::vector<float> &state,
                                    const float *x, const void *y,
                                    int64_t batches,
                                    const std::vector<float> &trainable,
                                    const CurvatureOptions &options);

/// Throws Error unless the model has nnc_hvp (nnc --hessian).
void requireHessianProducts(const Session &session);

/// --hessian-iters, --hessian-tol, --hessian-probes and the seed of the
/// session.
CurvatureOptions curvatureOptions(const Session &session);

} // namespace nnrt

#endif // NNRT_CURVATURE_H
