//===- Model.h - the compiled model's entry points -------------*- C++ -*-===//
//
// The runtime reaches the compiled model only through this table, filled in
// by nnrt_main from the nnc_* symbols of nnrt.h. Everything else in the
// runtime can therefore be linked and tested without a model.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_MODEL_H
#define NNRT_MODEL_H

#include <cstdint>

namespace nnrt {

struct ModelEntryPoints {
  const char *manifest;
  void (*trainStep)(float *state, const float *x, const void *y,
                    const float *hyper, const float *trainable, int64_t seed,
                    int64_t step, float *metrics, float *output);
  void (*predict)(const float *state, const float *x, float *output);
  /// Null unless the model was compiled for gradcheck.
  void (*gradient)(const float *state, const float *x, const void *y,
                   float *loss, float *grads);
  void (*lossF64)(const double *state, const float *x, const void *y,
                  double *loss);
  /// Null for a model whose state lives in host memory. Otherwise (a GPU
  /// model, DeviceModel.h) the state passed to trainStep stays on the device
  /// and is updated there: the runtime calls this to bring it back into
  /// `state` before reading it, and never writes `state` after passing it.
  void (*syncState)(float *state);
  /// hv = H·v (nnc_hvp); null unless compiled with nnc --hessian.
  void (*hvp)(const float *state, const float *x, const void *y,
              const float *v, float *hv) = nullptr;
  /// The loss, every gradient (as `gradient`) and the tape of layer
  /// activations described by the manifest's `layer` records. Null for
  /// GPU models and models compiled before it existed.
  void (*diagnose)(const float *state, const float *x, const void *y,
                   float *loss, float *grads, float *tape) = nullptr;
  /// trainStep in two halves, or null (CPU models). The first takes
  /// trainStep's arguments and returns once the step is queued on the
  /// device (`x` and `y` already copied, so the caller may refill them);
  /// the second waits for it and writes the metrics and outputs into the
  /// buffers the first was given. The runtime prepares the next batch in
  /// between.
  void (*startTrainStep)(float *state, const float *x, const void *y,
                         const float *hyper, const float *trainable,
                         int64_t seed, int64_t step, float *metrics,
                         float *output) = nullptr;
  void (*finishTrainStep)() = nullptr;
  /// How many steps may be started before the first is finished: 2 when
  /// the device queues a step behind the one it runs (each finishTrainStep
  /// then finishes the oldest, so the device never waits for the host
  /// between steps), else 1. With 2, a prefetchBatch may come only once
  /// every step but the newest is finished (its copy reuses the device
  /// buffer of the step before).
  int stepsInFlight = 1;
  /// Optional: the next step's batch, copied to the device while the queued
  /// step runs; a startTrainStep with these same `x` and `y` (unchanged
  /// since) then uses the copy.
  void (*prefetchBatch)(const float *x, const void *y) = nullptr;
  /// Optional: pinned host memory to fill the next batch in, so that
  /// prefetchBatch copies it up without a host copy first. Each call gives
  /// the other of two pairs: never the one filled for the step in progress
  /// or the one being copied. Null pointers when there are none. A caller
  /// fills every prefetched batch this way or none (prefetchBatch copies
  /// other buffers into the same two pairs).
  void (*stagingBuffers)(float **x, void **y) = nullptr;
};

} // namespace nnrt

#endif // NNRT_MODEL_H
