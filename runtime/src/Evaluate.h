//===- Evaluate.h - running the network over a set of samples --*- C++ -*-===//

#ifndef NNRT_EVALUATE_H
#define NNRT_EVALUATE_H

#include "runtime/src/Dataset.h"
#include "runtime/src/Loss.h"
#include "runtime/src/Model.h"

#include <functional>

namespace nnrt {

/// Calls nnc_predict on consecutive batches of `inputs` in file order; the
/// last batch is padded with zero rows, which `consume` never sees.
/// `consume(output, first, n)` gets the outputs of samples [first, first+n).
void predictAll(
    const ModelEntryPoints &model, const Manifest &manifest, const float *state,
    const Inputs &inputs,
    const std::function<void(const float *, int64_t, int64_t)> &consume);

/// Test loss and accuracy of `state` on `data`.
Score evaluate(const ModelEntryPoints &model, const Manifest &manifest,
               const float *state, const Dataset &data);

} // namespace nnrt

#endif // NNRT_EVALUATE_H
