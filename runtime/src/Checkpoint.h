//===- Checkpoint.h - the state as a safetensors file ----------*- C++ -*-===//
//
// A checkpoint holds every tensor of the manifest under its manifest name
// (= PyTorch's state_dict name, same layout) as F32, in state order, and
// "__metadata__" strings (format, model, step, epoch, seed, ...; see
// runtime/README.md) from which training resumes bit-identically.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_CHECKPOINT_H
#define NNRT_CHECKPOINT_H

#include "runtime/src/Manifest.h"
#include "runtime/src/Safetensors.h"

#include <functional>
#include <string>

namespace nnrt {

/// Value of the "format" metadata key of nnc's checkpoints.
constexpr const char *kCheckpointFormat = "nnc-checkpoint";

void saveCheckpoint(const std::string &path, const Manifest &manifest,
                    const float *state, const Metadata &metadata);

/// Selects tensors by name.
using TensorFilter = std::function<bool(const std::string &name)>;

/// Copies tensors of `file` into `state`. Every tensor of the manifest not
/// selected by `skip` must be in the file, as F32 of the manifest's shape;
/// a tensor of the file that is neither in the manifest nor selected by
/// `skip` is an error too, except PyTorch's BatchNorm counters
/// (*.num_batches_tracked), which nnc does not keep. A NaN or infinity in
/// a loaded tensor is an error naming the element. A model name that
/// differs from the manifest's is only a warning: tensor names decide.
void loadTensors(const SafetensorsFile &file, const Manifest &manifest,
                 float *state, const TensorFilter &skip);

/// Reads `path` and loads all its tensors (--load, --resume).
SafetensorsFile loadCheckpoint(const std::string &path,
                               const Manifest &manifest, float *state);

} // namespace nnrt

#endif // NNRT_CHECKPOINT_H
