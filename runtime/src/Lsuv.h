//===- Lsuv.h - layer-sequential unit-variance initialization --*- C++ -*-===//
//
// LSUV (Mishkin & Matas, "All you need is a good init", 2016), data-driven:
// starting from the model's own initializers, the weight of each layer
// that produces a pre-activation (a dense or conv weight, in forward order)
// is rescaled on a real batch until the variance of that pre-activation
// over all its elements is 1 ± tolerance; later layers see the already
// rescaled earlier ones. Layers whose pre-activation is not a dense/conv
// output (after a normalization, a residual add) are left alone: their
// scale is set by what precedes them.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_LSUV_H
#define NNRT_LSUV_H

#include "runtime/src/Manifest.h"
#include "runtime/src/Model.h"
#include "runtime/src/Session.h"

#include <string>
#include <vector>

namespace nnrt {

struct LsuvStep {
  std::string weight;
  /// Variance before and after, the total factor applied, the passes used.
  double before = 0, after = 0, scale = 1;
  int iterations = 0;
};

/// Rescales the weights of `state` in place on the batch `x`, `y`.
std::vector<LsuvStep> applyLsuv(const ModelEntryPoints &model,
                                const Manifest &m, std::vector<float> &state,
                                const float *x, const void *y,
                                double tolerance = 0.05,
                                int maxIterations = 10);

/// Whether --init asks for LSUV: "model" (the default: the model's own
/// initializers) or "lsuv"; anything else is a usage error.
bool wantsLsuv(const Options &options);

/// `train --init=lsuv`: applyLsuv on the first training batch (file
/// order), printing what it did; the model must have nnc_diagnose.
void applyLsuvOnFirstBatch(const Session &session, std::vector<float> &state);

/// "lsuv: fc1.weight ×1.23 (variance 0.66 → 1.00, 2 passes)" lines.
std::string formatLsuv(const std::vector<LsuvStep> &steps);

} // namespace nnrt

#endif // NNRT_LSUV_H
