//===- Initialize.h - initial values of the state --------------*- C++ -*-===//
//
// Samples each tensor's manifest initializer with Philox 4x32-10, key = the
// run's seed, counter = (element index, tensor index, 0, 0): the same seed
// gives the same weights whatever the machine (docs/abi.md).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_INITIALIZE_H
#define NNRT_INITIALIZE_H

#include "runtime/src/Manifest.h"

namespace nnrt {

/// Fills tensor `index` of the manifest inside `state`. A `pretrained`
/// tensor has no initializer: that is an error naming the tensor.
void initializeTensor(const Manifest &manifest, size_t index, int64_t seed,
                      float *state);

/// The value of element `element` of tensor `index` (exposed for tests).
float initialValue(const TensorInfo &tensor, uint32_t index, uint32_t element,
                   int64_t seed);

} // namespace nnrt

#endif // NNRT_INITIALIZE_H
