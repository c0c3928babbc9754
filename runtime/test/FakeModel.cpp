//===- FakeModel.cpp - a hand-written stand-in for nnc's output -----------===//
//
// Implements the ABI of nnrt.h the way a compiled model does, for the
// runtime's end-to-end tests: a 784-16-10 ReLU MLP with softmax
// cross-entropy, SGD and global-norm clipping (it ignores the noise), plus a
// buffer counting the steps. Environment switches inject failures:
//   FAKE_NAN_LOSS_AT_STEP=S    reports a NaN loss at step S (from 1)
//   FAKE_INF_NORM_AT_STEP=S    reports an infinite gradient norm at step S
//   FAKE_NAN_BUFFER_AT_STEP=S  writes a NaN into the buffer at step S
//   FAKE_BAD_GRADIENT=1        nnc_gradient returns a wrong fc2.bias gradient
// Built with FAKE_MODEL_NCHW: input [32, 1, 28, 28] and no gradcheck.
//
//===----------------------------------------------------------------------===//

#include "runtime/include/nnrt/nnrt.h"

#include <cmath>
#include <cstdlib>
#include <vector>

namespace {

constexpr int kBatch = 32, kIn = 784, kHidden = 16, kClasses = 10;
// Offsets of the tensors in the state (see the manifest).
constexpr int kW1 = 0, kB1 = kW1 + kHidden * kIn, kW2 = kB1 + kHidden,
              kB2 = kW2 + kClasses * kHidden, kSteps = kB2 + kClasses,
              kStateSize = kSteps + 1;
constexpr int kNumTensors = 5;
constexpr int kTensorStart[kNumTensors + 1] = {kW1, kB1,    kW2,
                                               kB2, kSteps, kStateSize};

int64_t envStep(const char *name) {
  const char *value = std::getenv(name);
  return value ? std::atoll(value) : -1;
}

/// Mean loss of the batch; writes the logits and, when `grads` is not null,
/// the gradient of every parameter (zero for the buffer).
template <typename T>
T lossAndGradient(const T *state, const float *x, const int32_t *y, T *grads,
                  T *logits) {
  const T *w1 = state + kW1, *b1 = state + kB1, *w2 = state + kW2,
          *b2 = state + kB2;
  if (grads)
    for (int i = 0; i < kStateSize; ++i)
      grads[i] = 0;
  T loss = 0;
  for (int b = 0; b < kBatch; ++b) {
    const float *in = x + b * kIn;
    T hidden[kHidden], *out = logits + b * kClasses;
    for (int j = 0; j < kHidden; ++j) {
      T sum = b1[j];
      for (int k = 0; k < kIn; ++k)
        sum += w1[j * kIn + k] * T(in[k]);
      hidden[j] = sum > 0 ? sum : 0;
    }
    T largest = -INFINITY;
    for (int c = 0; c < kClasses; ++c) {
      T sum = b2[c];
      for (int j = 0; j < kHidden; ++j)
        sum += w2[c * kHidden + j] * hidden[j];
      out[c] = sum;
      largest = sum > largest ? sum : largest;
    }
    T total = 0;
    for (int c = 0; c < kClasses; ++c)
      total += std::exp(out[c] - largest);
    loss += largest + std::log(total) - out[y[b]];
    if (!grads)
      continue;
    T dHidden[kHidden] = {};
    for (int c = 0; c < kClasses; ++c) {
      T d = (std::exp(out[c] - largest) / total - (c == y[b])) / kBatch;
      grads[kB2 + c] += d;
      for (int j = 0; j < kHidden; ++j) {
        grads[kW2 + c * kHidden + j] += d * hidden[j];
        dHidden[j] += d * w2[c * kHidden + j];
      }
    }
    for (int j = 0; j < kHidden; ++j) {
      if (hidden[j] <= 0)
        continue;
      grads[kB1 + j] += dHidden[j];
      for (int k = 0; k < kIn; ++k)
        grads[kW1 + j * kIn + k] += dHidden[j] * T(in[k]);
    }
  }
  return loss / kBatch;
}

} // namespace

#ifdef FAKE_MODEL_NCHW
#define FAKE_INPUT "32,1,28,28"
#define FAKE_GRADCHECK "0"
#else
#define FAKE_INPUT "32,784"
#define FAKE_GRADCHECK "1"
#endif

extern "C" {

const char nnc_manifest[] = "nnc 1\n"
                            "model fake_mlp\n"
                            "input " FAKE_INPUT "\n"
                            "target i32 32\n"
                            "output 32,10\n"
                            "loss softmax_cross_entropy\n"
                            "state_size 12731\n"
                            "hparam lr 0.1\n"
                            "hparam clip_norm 5\n"
                            "hparam seed 7\n"
                            "flops 2417664\n"
                            "gradcheck " FAKE_GRADCHECK "\n"
                            "a_future_record that the runtime ignores\n"
                            "tensor fc1.weight 0 16,784 normal 0 0.0505 "
                            "trainable\n"
                            "tensor fc1.bias 12544 16 constant 0 0 trainable\n"
                            "tensor fc2.weight 12560 10,16 uniform -0.25 0.25 "
                            "trainable\n"
                            "tensor fc2.bias 12720 10 constant 0.01 0 "
                            "trainable\n"
                            "tensor stats.steps 12730 1 constant 0 0 buffer\n";

void nnc_train_step(float *state, const float *x, const void *y,
                    const float *hyper, const float *trainable, int64_t seed,
                    int64_t step, float *metrics, float *output) {
  (void)seed;
  static std::vector<float> grads(kStateSize);
  float loss = lossAndGradient(state, x, static_cast<const int32_t *>(y),
                               grads.data(), output);
  double squares = 0;
  for (int t = 0; t < kNumTensors; ++t)
    if (trainable[t] != 0)
      for (int i = kTensorStart[t]; i < kTensorStart[t + 1]; ++i)
        squares += double(grads[i]) * grads[i];
  float norm = static_cast<float>(std::sqrt(squares));
  float clip = hyper[NNRT_HP_CLIP_NORM];
  float scale = clip > 0 && norm > clip ? clip / norm : 1.0f;
  for (int t = 0; t < kNumTensors; ++t)
    if (trainable[t] != 0)
      for (int i = kTensorStart[t]; i < kTensorStart[t + 1]; ++i)
        state[i] -= hyper[NNRT_HP_LR] * scale * grads[i];
  state[kSteps] += 1;
  if (step + 1 == envStep("FAKE_NAN_LOSS_AT_STEP"))
    loss = NAN;
  if (step + 1 == envStep("FAKE_INF_NORM_AT_STEP"))
    norm = INFINITY;
  if (step + 1 == envStep("FAKE_NAN_BUFFER_AT_STEP"))
    state[kSteps] = NAN;
  metrics[NNRT_METRIC_LOSS] = loss;
  metrics[NNRT_METRIC_GRAD_NORM] = norm;
}

void nnc_predict(const float *state, const float *x, float *output) {
  lossAndGradient<float>(state, x, std::vector<int32_t>(kBatch, 0).data(),
                         nullptr, output);
}

#ifndef FAKE_MODEL_NCHW
void nnc_gradient(const float *state, const float *x, const void *y,
                  float *loss, float *grads) {
  std::vector<float> logits(kBatch * kClasses);
  *loss = lossAndGradient(state, x, static_cast<const int32_t *>(y), grads,
                          logits.data());
  if (std::getenv("FAKE_BAD_GRADIENT"))
    for (int c = 0; c < kClasses; ++c)
      grads[kB2 + c] *= 1.1f;
}

void nnc_loss_f64(const double *state, const float *x, const void *y,
                  double *loss) {
  std::vector<double> logits(kBatch * kClasses);
  *loss = lossAndGradient<double>(state, x, static_cast<const int32_t *>(y),
                                  nullptr, logits.data());
}
#endif

} // extern "C"
