//===- Diagnostics.h - signal-propagation statistics of a batch -*- C++ -*-===//
//
// The numbers of `./model diagnose`, computed in float64 from the tape of
// nnc_diagnose. Formulas (docs/diagnostics.md), for a layer whose
// pre-activation z and post-activation a are flattened per sample into
// [N, D] (N samples of the batch, D units):
//   variance      (1/D) Σ_j (1/N) Σ_i (z_ij − μ_j)²,  μ_j = (1/N) Σ_i z_ij
//   ratio         variance / ((1/(N·D)) Σ_ij z_ij²)
//   cosine        1/(N(N−1)) Σ_{i≠k} ⟨a_i, a_k⟩ / (‖a_i‖‖a_k‖)
//                 (a pair with a zero vector counts 0, as torch's eps does);
//                 cosine_pre the same of z
//   dead          for ReLU: the fraction of units j with z_ij ≤ 0 for all i
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_DIAGNOSTICS_H
#define NNRT_DIAGNOSTICS_H

#include "runtime/src/Manifest.h"
#include "runtime/src/Model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnrt {

struct LayerStats {
  std::string name, kind;
  int64_t units = 0;
  double variance = 0, varianceRatio = 0, cosine = 0;
  /// The same mean cosine over the pre-activations (uncentered: the
  /// correlation map c of mean-field analyses).
  double cosinePre = 0;
  /// Only for ReLU layers.
  std::optional<double> deadFraction;
};

struct GradientStats {
  std::string name;
  Shape shape;
  double norm = 0;
};

/// The loss's Hessian on the batch, from Hessian-vector products (power
/// iteration, Hutchinson; Curvature.h). Empty when the model has no
/// nnc_hvp (compiled without --hessian) or the trace was not estimated
/// (--hessian-probes 0): the table prints "n/a" and the JSON null.
struct CurvatureStats {
  std::optional<double> topEigenvalue, trace;
};

struct DiagnoseReport {
  std::string model;
  int64_t batch = 0;
  double loss = 0;
  std::vector<LayerStats> layers;
  std::vector<GradientStats> gradients;
  CurvatureStats curvature;
};

/// What one call of nnc_diagnose returns.
struct TapeRun {
  double loss = 0;
  std::vector<float> grads, tape;
};

/// Calls nnc_diagnose on one batch (`x`, `y` as nnc_train_step takes them).
TapeRun runTape(const ModelEntryPoints &model, const Manifest &m,
                const float *state, const float *x, const void *y);

/// Intra-neuron variance and its ratio to the mean square of `z` [n, d].
void neuronVariance(const float *z, int64_t n, int64_t d, double &variance,
                    double &ratio);

/// Mean cosine similarity over the pairs i ≠ k of the rows of `a` [n, d].
double meanPairwiseCosine(const float *a, int64_t n, int64_t d);

/// Fraction of the columns of `z` [n, d] that are ≤ 0 in every row.
double deadFraction(const float *z, int64_t n, int64_t d);

/// The statistics of one layer of the tape.
LayerStats layerStats(const LayerInfo &layer, const float *tape);

/// The whole report from the outputs of nnc_diagnose.
DiagnoseReport buildReport(const Manifest &m, double loss,
                           const std::vector<float> &grads,
                           const std::vector<float> &tape);

/// The report as an aligned table, as JSON and as an SVG plot.
std::string formatTable(const DiagnoseReport &report);
std::string formatJson(const DiagnoseReport &report);

} // namespace nnrt

#endif // NNRT_DIAGNOSTICS_H
