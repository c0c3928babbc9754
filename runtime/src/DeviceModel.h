//===- DeviceModel.h - a GPU model behind host entry points ----*- C++ -*-===//
//
// The entry points of a model compiled with `nnc --target=nvptx` take device
// pointers (docs/gpu.md). This adapter gives the rest of the runtime the
// entry points of a CPU model: it owns the device buffers, uploads the state
// once and keeps it there while training, copies each batch up and the
// metrics and outputs down, and copies the state back only when the runtime
// asks (ModelEntryPoints::syncState).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_DEVICEMODEL_H
#define NNRT_DEVICEMODEL_H

#include "runtime/src/Manifest.h"
#include "runtime/src/Model.h"

namespace nnrt {

/// Opens the GPU (throws Error saying what is missing when there is none)
/// and returns host entry points over `compiled`, whose manifest is `m`.
/// One device model per process: a second call returns the same one.
const ModelEntryPoints &openDeviceModel(const ModelEntryPoints &compiled,
                                        const Manifest &m);

} // namespace nnrt

#endif // NNRT_DEVICEMODEL_H
