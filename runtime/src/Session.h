//===- Session.h - what every subcommand starts from -----------*- C++ -*-===//
//
// A session is one run of the binary: the model's entry points, its parsed
// manifest and the subcommand's options, plus the steps that several
// subcommands share (seed, initial state, data, thread count).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SESSION_H
#define NNRT_SESSION_H

#include "runtime/src/Checkpoint.h"
#include "runtime/src/Dataset.h"
#include "runtime/src/Model.h"
#include "runtime/src/Options.h"

#include <vector>

namespace nnrt {

struct Session {
  const ModelEntryPoints &model;
  Manifest manifest;
  Options options;
};

/// --seed, else the model's `seed` hparam, else 0.
int64_t defaultSeed(const Session &session);

/// A state with every tensor not selected by `skip` initialized from the
/// manifest (`skip` tensors are left zero for the caller to fill).
std::vector<float> initialState(const Manifest &manifest, int64_t seed,
                                const TensorFilter &skip);

/// --load FILE, else the initial state of the seed; `warnUntrained` says
/// so on stderr (evaluating untrained weights is rarely what one wants).
std::vector<float> loadOrInitialize(const Session &session, bool warnUntrained);

/// A data set from --data DIR or Debian's Fashion-MNIST.
Dataset loadData(const Session &session, Split split);

/// The tensors selected by a list option (--freeze, --reinit): a pattern
/// selects the tensor of that name and those inside it ("fc1" selects fc1,
/// fc1.weight and fc1.bias, not fc10.weight). A pattern that selects no
/// tensor is a usage error.
TensorFilter selectTensors(const Manifest &manifest,
                           const std::vector<std::string> &patterns,
                           const std::string &option);

/// Sizes the thread pool of the compiled code (nnrt_parallel_for) with
/// --threads N; without it the pool has one thread per core, or
/// kGpuThreads for a model on the GPU.
void applyThreads(const Options &options, bool onGpu);

/// Threads of a GPU model's pool unless --threads says otherwise: there the
/// pool only converts batches (about 30 µs per batch of 128 on one core,
/// hidden behind the step's launches), and idle workers spin for a while
/// after each call, taking cycles from the thread that launches kernels
/// where they share a core.
constexpr int kGpuThreads = 2;

} // namespace nnrt

#endif // NNRT_SESSION_H
