//===- Initialize.cpp - initial values of the state -----------------------===//

#include "runtime/src/Initialize.h"

#include "runtime/src/Error.h"
#include "runtime/src/Philox.h"

#include <cmath>

namespace nnrt {

float initialValue(const TensorInfo &t, uint32_t index, uint32_t element,
                   int64_t seed) {
  switch (t.dist) {
  case Dist::Constant:
    return static_cast<float>(t.a);
  case Dist::Uniform: {
    PhiloxCounter bits = philox4x32_10(
        {element, index, 0, uint32_t(Stream::Init)}, philoxKey(seed));
    return static_cast<float>(t.a + (t.b - t.a) * uniform24(bits[0]));
  }
  case Dist::Normal: {
    // Box-Muller; u1 is in (0, 1] so that log(u1) is finite.
    PhiloxCounter bits = philox4x32_10(
        {element, index, 0, uint32_t(Stream::Init)}, philoxKey(seed));
    double u1 = 1.0 - uniform24(bits[0]);
    double u2 = uniform24(bits[1]);
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    return static_cast<float>(t.a + t.b * z);
  }
  case Dist::Pretrained:
    break;
  }
  throw Error("tensor " + t.name,
              "its initializer is 'pretrained': pass --init-from FILE with "
              "this tensor");
}

void initializeTensor(const Manifest &m, size_t index, int64_t seed,
                      float *state) {
  const TensorInfo &t = m.tensors[index];
  float *data = state + t.offset;
  int64_t count = t.numel();
  for (int64_t i = 0; i < count; ++i)
    data[i] = initialValue(t, static_cast<uint32_t>(index),
                           static_cast<uint32_t>(i), seed);
}

} // namespace nnrt
