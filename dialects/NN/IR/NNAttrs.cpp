//===- NNAttrs.cpp - initializer definitions ------------------------------===//
//
// Each initializer resolves to a distribution with PyTorch's formulas
// (torch/nn/init.py), so that the runtime only has to sample.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/IR/NNDialect.h"

#include <cmath>

using namespace mlir;
using namespace mlir::nn;

FailureOr<std::pair<int64_t, int64_t>>
mlir::nn::computeFans(ArrayRef<int64_t> shape, std::string &error) {
  if (shape.size() < 2) {
    error = "fan_in and fan_out cannot be computed for a tensor with fewer "
            "than 2 dimensions";
    return failure();
  }
  int64_t receptive = 1;
  for (int64_t d : shape.drop_front(2))
    receptive *= d;
  return std::make_pair(shape[1] * receptive, shape[0] * receptive);
}

static Distribution constant(double v) {
  return {Distribution::Kind::Constant, v, 0.0};
}

static FailureOr<int64_t> fanFor(FanMode mode, ArrayRef<int64_t> shape,
                                 std::string &error) {
  auto fans = computeFans(shape, error);
  if (failed(fans))
    return failure();
  return mode == FanMode::fan_in ? fans->first : fans->second;
}

FailureOr<Distribution> ZerosAttr::getDistribution(ArrayRef<int64_t>,
                                                   std::string &) const {
  return constant(0.0);
}

FailureOr<Distribution> OnesAttr::getDistribution(ArrayRef<int64_t>,
                                                  std::string &) const {
  return constant(1.0);
}

FailureOr<Distribution> ConstantAttr::getDistribution(ArrayRef<int64_t>,
                                                      std::string &) const {
  return constant(getValue().convertToDouble());
}

FailureOr<Distribution>
XavierUniformAttr::getDistribution(ArrayRef<int64_t> shape,
                                   std::string &error) const {
  auto fans = computeFans(shape, error);
  if (failed(fans))
    return failure();
  double bound = getGain().convertToDouble() *
                 std::sqrt(6.0 / double(fans->first + fans->second));
  return Distribution{Distribution::Kind::Uniform, -bound, bound};
}

FailureOr<Distribution>
XavierNormalAttr::getDistribution(ArrayRef<int64_t> shape,
                                  std::string &error) const {
  auto fans = computeFans(shape, error);
  if (failed(fans))
    return failure();
  double std = getGain().convertToDouble() *
               std::sqrt(2.0 / double(fans->first + fans->second));
  return Distribution{Distribution::Kind::Normal, 0.0, std};
}

FailureOr<Distribution>
KaimingNormalAttr::getDistribution(ArrayRef<int64_t> shape,
                                   std::string &error) const {
  auto fan = fanFor(getMode(), shape, error);
  if (failed(fan))
    return failure();
  double std = getGain().convertToDouble() / std::sqrt(double(*fan));
  return Distribution{Distribution::Kind::Normal, 0.0, std};
}

FailureOr<Distribution>
KaimingUniformAttr::getDistribution(ArrayRef<int64_t> shape,
                                    std::string &error) const {
  auto fan = fanFor(getMode(), shape, error);
  if (failed(fan))
    return failure();
  double bound = getGain().convertToDouble() * std::sqrt(3.0 / double(*fan));
  return Distribution{Distribution::Kind::Uniform, -bound, bound};
}

FailureOr<Distribution> PretrainedAttr::getDistribution(ArrayRef<int64_t>,
                                                        std::string &) const {
  return Distribution{Distribution::Kind::Pretrained, 0.0, 0.0};
}
