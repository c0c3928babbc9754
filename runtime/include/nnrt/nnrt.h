/*===- nnrt.h - the C ABI between a compiled model and libnnrt -------------===
 *
 * Every executable that `nnc` produces is one object file emitted by the
 * compiler, linked with libnnrt. The object defines the symbols declared in
 * "Emitted by nnc" below; libnnrt defines main() and everything else
 * (command line, data, training loop, checkpoints). This header is the whole
 * contract: no MLIR or LLVM header is needed on either side of it.
 *
 * Ownership: every pointer is owned by the runtime and only borrowed for the
 * duration of the call. The buffers of one call never overlap (compiled code
 * may write an output before it last reads another buffer). Thread safety:
 * the entry points may use several threads internally; the runtime calls
 * them from one thread at a time.
 *===----------------------------------------------------------------------===*/

#ifndef NNRT_NNRT_H
#define NNRT_NNRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*--- Emitted by nnc ---------------------------------------------------------*/

/* The model's description as NUL-terminated text, one record per line; the
 * format is specified in docs/abi.md ("The manifest"). */
extern const char nnc_manifest[];

/* Hyperparameters of one training step. */
enum { NNRT_HP_LR = 0, NNRT_HP_CLIP_NORM = 1, NNRT_HP_NOISE = 2, NNRT_HP_COUNT = 3 };
/* Metrics that a training step reports. */
enum { NNRT_METRIC_LOSS = 0, NNRT_METRIC_GRAD_NORM = 1, NNRT_METRIC_COUNT = 2 };

/* One SGD step on one batch, in place.
 *   state      all tensors of the model (parameters and buffers such as
 *              running statistics), each at its manifest offset; updated.
 *   x          the input batch, f32, shape `input` of the manifest.
 *   y          the targets: i32 class indices or f32 values (`target`).
 *   hyper      NNRT_HP_COUNT floats: lr, clip_norm (0: no clipping), noise
 *              variance ε (0: no noise and no random numbers drawn).
 *   trainable  one float per tensor of the manifest, in manifest order: 1 to
 *              train it, 0 to keep it fixed (--freeze); buffers ignore it.
 *   seed, step the noise RNG's key and counter (Philox 4x32-10).
 *   metrics    NNRT_METRIC_COUNT floats out: the batch's mean loss before
 *              the update and the global gradient norm before clipping.
 *   output     the network's output for this batch (before the update). */
void nnc_train_step(float *state, const float *x, const void *y,
                    const float *hyper, const float *trainable, int64_t seed,
                    int64_t step, float *metrics, float *output);

/* The network's output for one batch in inference mode (BatchNorm uses its
 * running statistics). */
void nnc_predict(const float *state, const float *x, float *output);

/* Present only when the manifest says `gradcheck 1` (nnc --gradcheck):
 * the loss and the gradient of every tensor (same layout as state; zero for
 * buffers and frozen parameters) in float32, and the loss in float64 for
 * finite differences. `x` and `y` are exactly those of nnc_train_step
 * (float32 x; int32 or float32 y, never float64): only the state and the
 * loss of nnc_loss_f64 are float64. Both are referenced weakly by libnnrt,
 * so a model without them still links. */
void nnc_gradient(const float *state, const float *x, const void *y,
                  float *loss, float *grads);
void nnc_loss_f64(const double *state, const float *x, const void *y,
                  double *loss);

/* Present only when the manifest says `hvp 1` (nnc --hessian):
 * hv = H·v, the Hessian of the batch's mean loss with respect to the state
 * (as nnc_gradient differentiates it) times v; v and hv have the state's
 * layout. Derived by forward-mode differentiation of the gradient
 * (docs/curvature.md). Referenced weakly, like nnc_gradient. */
void nnc_hvp(const float *state, const float *x, const void *y,
             const float *v, float *hv);

/* `./model diagnose`: on one batch, the loss, the gradient of every tensor
 * (as nnc_gradient) and the tape, `tape_size` floats holding each layer's
 * pre- and post-activations at the offsets of the manifest's `layer`
 * records (docs/abi.md). Emitted for CPU models; referenced weakly. */
void nnc_diagnose(const float *state, const float *x, const void *y,
                  float *loss, float *grads, float *tape);

/* GPU models (nnc --target=nvptx, manifest record `device cuda <arch>`)
 * define the same four functions, but every pointer argument is a CUDA
 * device pointer (except `hyper` and `trainable`: host memory); libnnrt owns those buffers and keeps the state on the
 * device (docs/abi.md, "GPU models"). Such objects also call MLIR's mgpu*
 * host functions, which libnnrt defines over the CUDA driver API, loaded
 * with dlopen("libcuda.so.1") only by GPU models. */

/*--- Provided by libnnrt -----------------------------------------------------*/

/* Runs the compiled model's command line (train, eval, predict, info, ...).
 * libnnrt's main() calls it; returns the process exit code. */
int nnrt_main(int argc, char **argv);

/*--- Emitted by nnc for --target=nvptx, optional ----------------------------*/

/* The kernels' machine code. A GPU model carries its kernels as PTX, which
 * the CUDA driver would compile each time the program starts; nnc also
 * assembles that PTX with the CUDA toolkit's ptxas for --gpu-arch and
 * links the result, a cubin (the ELF image cuModuleLoadData takes), into
 * the executable. libnnrt loads the cubin instead of the PTX when it was
 * assembled from that very PTX (nnc_sass_ptx_hash equals nnrt_hash_ptx of
 * it) and the GPU runs it (same major architecture, as new a minor one,
 * and a driver as new as the toolkit); otherwise the driver compiles the
 * PTX. Absent (CPU models, `nnc --gpu-sass=false`): libnnrt
 * declares them weak and sees null. */
extern const unsigned char nnc_sass_image[];
extern const uint64_t nnc_sass_image_bytes;
extern const uint64_t nnc_sass_ptx_hash;

/* 64-bit FNV-1a of the `bytes` bytes of PTX text (its NUL left out). */
static inline uint64_t nnrt_hash_ptx(const char *text, uint64_t bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (uint64_t i = 0; i < bytes; ++i) {
    hash ^= (unsigned char)text[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

/*--- Provided by libnnrt: parallel loops ------------------------------------*/

/* Runs fn(ctx, begin, end) over the iterations [0, n) on the runtime's
 * threads and returns when all are done. The iterations are cut into
 * contiguous chunks of equal size that depend only on n and the thread
 * count T (`--threads`, default: all cores the process may run on); the
 * threads, the caller included, claim them in order (docs/abi.md, "Parallel
 * loops"). The iterations must be independent: compiled code splits only
 * loops over disjoint output tiles, so results do not depend on T or on
 * which thread runs a chunk. A call from inside fn runs serially on its
 * thread. Called by compiled code from one thread at a time, like the
 * entry points. */
void nnrt_parallel_for(void (*fn)(void *ctx, int64_t begin, int64_t end),
                       void *ctx, int64_t n);

/* libnnrt also defines `memrefCopy` with the signature of MLIR's
 * mlir/ExecutionEngine/CRunnerUtils.h (the call that memref.copy of
 * non-contiguous memrefs lowers to), so that models need no MLIR library. */

#ifdef __cplusplus
}
#endif

#endif /* NNRT_NNRT_H */
