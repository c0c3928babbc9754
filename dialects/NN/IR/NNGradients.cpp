//===- NNGradients.cpp - reverse-mode gradient rules of nn ops ------------===//
//
// One rule per op, behind DifferentiableOpInterface. Rules emit nn backward
// ops (nn.matmul, nn.activation_grad, ...) rather than linalg so that the
// backward graph stays readable and later nn passes can pattern-match it.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/IR/NNOps.h"

using namespace mlir;
using namespace mlir::nn;

/// A layer's weight: the value it takes, or its parameter's current value.
static Value layerWeight(OpBuilder &b, Location loc, FlatSymbolRefAttr param,
                         Value value, RankedTensorType type) {
  return value ? value : ReadParamOp::create(b, loc, type, param).getResult();
}

/// Whether a layer's weight, a parameter or a value (operand 1), needs a
/// gradient.
static bool needsWeightGradient(const GradientSink &sink,
                                FlatSymbolRefAttr param, Value value) {
  return value ? sink.needsOperandGradient(1) : sink.needsParamGradient(param);
}

static void setWeightGradient(GradientSink &sink, FlatSymbolRefAttr param,
                              Value value, Value grad) {
  if (value)
    sink.setOperandGradient(1, grad);
  else
    sink.addParamGradient(param, grad);
}

LogicalResult DenseOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                     GradientSink &sink) {
  Value dy = resultGrads[0];
  Location loc = getLoc();
  auto inType = getInput().getType();
  auto outType = getOutput().getType();
  Type f32 = inType.getElementType();
  int64_t in = inType.getDimSize(1), out = outType.getDimSize(1);
  auto weightType = RankedTensorType::get({out, in}, f32);
  if (sink.needsOperandGradient(0)) {
    // dx = dy · W  ([N,out] x [out,in]).
    Value w = layerWeight(b, loc, getWeightAttr(), getWeightValue(), weightType);
    sink.setOperandGradient(
        0, MatmulOp::create(b, loc, inType, dy, w, false, false));
  }
  if (needsWeightGradient(sink, getWeightAttr(), getWeightValue())) {
    // dW = dyᵀ · x  ([out,N] x [N,in]).
    setWeightGradient(sink, getWeightAttr(), getWeightValue(),
                      MatmulOp::create(b, loc, weightType, dy, getInput(),
                                       /*transpose_lhs=*/true, false));
  }
  if (auto bias = getBiasAttr(); bias && sink.needsParamGradient(bias)) {
    auto dbType = RankedTensorType::get({out}, f32);
    sink.addParamGradient(
        bias, ReduceSumOp::create(b, loc, dbType, dy, ArrayRef<int64_t>{0}));
  }
  return success();
}

LogicalResult AddOp::buildGradient(OpBuilder &, ValueRange resultGrads,
                                   GradientSink &sink) {
  for (unsigned i = 0; i < 2; ++i)
    if (sink.needsOperandGradient(i))
      sink.setOperandGradient(i, resultGrads[0]);
  return success();
}

LogicalResult GramOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    GradientSink &sink) {
  FlatSymbolRefAttr param = getParamAttr();
  if (!sink.needsParamGradient(param))
    return success();
  // d(U Uᵀ) = dU Uᵀ + U dUᵀ, so dU = G U + Gᵀ U.
  Location loc = getLoc();
  Value g = resultGrads[0];
  RankedTensorType type = getParamType();
  Value u = ReadParamOp::create(b, loc, type, param);
  Value gu = MatmulOp::create(b, loc, type, g, u, false, false);
  Value gtu = MatmulOp::create(b, loc, type, g, u, /*transpose_lhs=*/true, false);
  sink.addParamGradient(param, AddOp::create(b, loc, gu, gtu));
  return success();
}

LogicalResult FlattenOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       GradientSink &sink) {
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(0, ReshapeOp::create(b, getLoc(),
                                                 getInput().getType(),
                                                 resultGrads[0]));
  return success();
}

/// The rule all activations share: dx = activation_grad(kind, x, y, dy).
static LogicalResult activationGradient(OpBuilder &b, Operation *op,
                                        Activation kind, float alpha,
                                        Value dy, GradientSink &sink) {
  if (!sink.needsOperandGradient(0))
    return success();
  Value x = op->getOperand(0), y = op->getResult(0);
  sink.setOperandGradient(
      0, ActivationGradOp::create(b, op->getLoc(), x.getType(), kind, x, y, dy,
                                  llvm::APFloat(alpha)));
  return success();
}

LogicalResult SigmoidOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       GradientSink &sink) {
  return activationGradient(b, *this, Activation::sigmoid, 0.0f,
                            resultGrads[0], sink);
}

LogicalResult TanhOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    GradientSink &sink) {
  return activationGradient(b, *this, Activation::tanh, 0.0f, resultGrads[0],
                            sink);
}

LogicalResult ReluOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    GradientSink &sink) {
  return activationGradient(b, *this, Activation::relu, 0.0f, resultGrads[0],
                            sink);
}

LogicalResult LeakyReluOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         GradientSink &sink) {
  return activationGradient(b, *this, Activation::leaky_relu,
                            getAlpha().convertToFloat(), resultGrads[0], sink);
}

LogicalResult EluOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                   GradientSink &sink) {
  return activationGradient(b, *this, Activation::elu,
                            getAlpha().convertToFloat(), resultGrads[0], sink);
}

LogicalResult SoftmaxCrossEntropyOp::buildGradient(OpBuilder &b,
                                                   ValueRange resultGrads,
                                                   GradientSink &sink) {
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(
        0, SoftmaxCrossEntropyGradOp::create(b, getLoc(),
                                             getLogits().getType(), getLogits(),
                                             getLabels(), resultGrads[0]));
  return success();
}

LogicalResult MseOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                   GradientSink &sink) {
  if (sink.needsOperandGradient(1))
    return emitOpError("cannot differentiate with respect to the target; "
                       "targets must not depend on trained parameters");
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(
        0, MseGradOp::create(b, getLoc(), getInput().getType(), getInput(),
                             getTarget(), resultGrads[0], getReduction()));
  return success();
}

LogicalResult Conv2dOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                      GradientSink &sink) {
  Value dy = resultGrads[0];
  Location loc = getLoc();
  auto weightType = getWeightType();
  if (sink.needsOperandGradient(0)) {
    Value w = layerWeight(b, loc, getWeightAttr(), getWeightValue(), weightType);
    sink.setOperandGradient(
        0, Conv2dInputGradOp::create(b, loc, getInput().getType(), dy, w,
                                     getStride(), getPadding(), getDilation()));
  }
  if (needsWeightGradient(sink, getWeightAttr(), getWeightValue()))
    setWeightGradient(
        sink, getWeightAttr(), getWeightValue(),
        Conv2dWeightGradOp::create(b, loc, weightType, getInput(), dy,
                                   getStride(), getPadding(), getDilation()));
  if (auto bias = getBiasAttr(); bias && sink.needsParamGradient(bias)) {
    auto biasType = RankedTensorType::get({weightType.getDimSize(0)},
                                          weightType.getElementType());
    sink.addParamGradient(bias, ReduceSumOp::create(b, loc, biasType, dy,
                                                    ArrayRef<int64_t>{0, 2, 3}));
  }
  return success();
}

LogicalResult MaxPool2dOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         GradientSink &sink) {
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(
        0, MaxPool2dGradOp::create(b, getLoc(), getInput(), resultGrads[0],
                                   getKernel(), getStrides(), getPadding()));
  return success();
}

LogicalResult AvgPool2dOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         GradientSink &sink) {
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(
        0, AvgPool2dGradOp::create(b, getLoc(), getInput().getType(),
                                   resultGrads[0], getKernel(), getStrides(),
                                   getPadding()));
  return success();
}

/// dx, dγ and dβ of a BatchNorm gradient op to whoever needs them.
template <typename GradOp>
static void routeBatchNormGradients(GradientSink &sink,
                                    FlatSymbolRefAttr weight,
                                    FlatSymbolRefAttr bias, GradOp grad) {
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(0, grad.getInputGrad());
  if (sink.needsParamGradient(weight))
    sink.addParamGradient(weight, grad.getWeightGrad());
  if (sink.needsParamGradient(bias))
    sink.addParamGradient(bias, grad.getBiasGrad());
}

LogicalResult BatchNormOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         GradientSink &sink) {
  if (!getTraining())
    return emitOpError("is differentiated only in training mode");
  Location loc = getLoc();
  auto channelType = lookupParam(*this, getWeightAttr()).getTensorType();
  Value gamma = ReadParamOp::create(b, loc, channelType, getWeightAttr());
  auto grad = BatchNormGradOp::create(b, loc, getInput(), resultGrads[0], gamma,
                                      getEpsilonAttr());
  routeBatchNormGradients(sink, getWeightAttr(), getBiasAttr(), grad);
  return success();
}

LogicalResult BatchNormActOp::buildGradient(OpBuilder &b,
                                            ValueRange resultGrads,
                                            GradientSink &sink) {
  if (!getTraining())
    return emitOpError("is differentiated only in training mode");
  Location loc = getLoc();
  auto channelType = lookupParam(*this, getWeightAttr()).getTensorType();
  Value gamma = ReadParamOp::create(b, loc, channelType, getWeightAttr());
  Value beta = ReadParamOp::create(b, loc, channelType, getBiasAttr());
  auto grad = BatchNormActGradOp::create(
      b, loc, getInput(), getOutput(), resultGrads[0], gamma, beta,
      getActivationAttr(), getAlphaAttr(), getEpsilonAttr());
  routeBatchNormGradients(sink, getWeightAttr(), getBiasAttr(), grad);
  return success();
}

/// `value` viewed as `type` (same elements, row-major).
static Value reshapeTo(OpBuilder &b, Location loc, Value value,
                       RankedTensorType type) {
  if (value.getType() == type)
    return value;
  return ReshapeOp::create(b, loc, type, value);
}

/// The rule LayerNorm, GroupNorm and InstanceNorm share: backward through
/// the per-sample statistics on the op's NormView, γ read as the view's
/// [groups, channels].
template <typename OpTy>
static LogicalResult sampleNormGradient(OpTy op, OpBuilder &b, Value dy,
                                        GradientSink &sink) {
  Location loc = op.getLoc();
  FlatSymbolRefAttr weight = op.getWeightAttr(), bias = op.getBiasAttr();
  RankedTensorType weightType;
  if (weight)
    weightType = lookupParam(op, weight).getTensorType();
  NormView view = op.getNormView(weightType);
  auto viewType = view.getInputType(b.getContext());
  auto paramType = view.getParamType(b.getContext());
  Value gamma;
  if (weight)
    gamma = reshapeTo(b, loc, ReadParamOp::create(b, loc, weightType, weight),
                      paramType);
  auto grad = SampleNormGradOp::create(
      b, loc, viewType, paramType, paramType,
      reshapeTo(b, loc, op.getInput(), viewType), reshapeTo(b, loc, dy, viewType),
      gamma, op.getEpsilonAttr());
  if (sink.needsOperandGradient(0))
    sink.setOperandGradient(0, reshapeTo(b, loc, grad.getInputGrad(),
                                         op.getInput().getType()));
  if (weight && sink.needsParamGradient(weight))
    sink.addParamGradient(weight,
                          reshapeTo(b, loc, grad.getWeightGrad(), weightType));
  if (bias && sink.needsParamGradient(bias))
    sink.addParamGradient(bias,
                          reshapeTo(b, loc, grad.getBiasGrad(), weightType));
  return success();
}

LogicalResult LayerNormOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         GradientSink &sink) {
  return sampleNormGradient(*this, b, resultGrads[0], sink);
}

LogicalResult GroupNormOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         GradientSink &sink) {
  return sampleNormGradient(*this, b, resultGrads[0], sink);
}

LogicalResult InstanceNormOp::buildGradient(OpBuilder &b,
                                            ValueRange resultGrads,
                                            GradientSink &sink) {
  return sampleNormGradient(*this, b, resultGrads[0], sink);
}

LogicalResult WeightNormOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                          GradientSink &sink) {
  FlatSymbolRefAttr g = getWeightGAttr(), v = getWeightVAttr();
  if (!sink.needsParamGradient(g) && !sink.needsParamGradient(v))
    return success();
  Location loc = getLoc();
  auto vType = getWeight().getType();
  auto gType = getNormType();
  auto grad = WeightNormGradOp::create(
      b, loc, gType, vType, ReadParamOp::create(b, loc, gType, g),
      ReadParamOp::create(b, loc, vType, v), resultGrads[0]);
  if (sink.needsParamGradient(g))
    sink.addParamGradient(g, grad.getWeightGGrad());
  if (sink.needsParamGradient(v))
    sink.addParamGradient(v, grad.getWeightVGrad());
  return success();
}
