//===- NNOps.cpp - nn op verifiers and custom syntax ----------------------===//

#include "dialects/NN/IR/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::nn;

ParamOp mlir::nn::lookupParam(Operation *from, FlatSymbolRefAttr sym) {
  return SymbolTable::lookupNearestSymbolFrom<ParamOp>(from, sym);
}

/// Checks that `sym` names an `nn.param` of type `expected`.
static LogicalResult verifyParamUse(Operation *op, StringRef role,
                                    FlatSymbolRefAttr sym,
                                    RankedTensorType expected,
                                    SymbolTableCollection &symbols) {
  auto param = symbols.lookupNearestSymbolFrom<ParamOp>(op, sym);
  if (!param)
    return op->emitOpError() << role << " " << sym
                             << " does not name an nn.param";
  if (param.getTensorType() != expected)
    return op->emitOpError() << role << " " << sym << " must be " << expected
                             << ", but the parameter is "
                             << param.getTensorType();
  return success();
}

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

ForwardOp ModelOp::getForward() {
  auto range = getBody().getOps<ForwardOp>();
  return range.empty() ? ForwardOp() : *range.begin();
}

/// Tensors have no empty dimension (an empty batch or feature has nothing
/// to train) and are at most 2 GiB: the range nnc is built and tested for,
/// where one tensor with its gradient and temporaries fits a machine.
static LogicalResult verifyTensorSize(Operation *op, StringRef role,
                                      RankedTensorType type) {
  constexpr int64_t kMaxBytes = int64_t(1) << 31;
  int64_t elements = 1;
  for (auto [i, size] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(size))
      continue;
    if (size < 1)
      return op->emitOpError() << role << " dimension " << i << " is " << size
                               << ": every dimension must be >= 1";
    if (elements > kMaxBytes / 4 / size)
      return op->emitOpError() << role << " " << type
                               << " is larger than 2 GiB";
    elements *= size;
  }
  return success();
}

SmallVector<ParamOp, 8> ModelOp::getParams() {
  return llvm::to_vector<8>(getBody().getOps<ParamOp>());
}

LogicalResult ModelOp::verify() {
  auto forwards = getBody().getOps<ForwardOp>();
  auto count = std::distance(forwards.begin(), forwards.end());
  if (count > 1)
    return emitOpError("must contain at most one nn.forward, found ") << count;
  auto checkFloat = [&](StringRef name, auto inRange,
                        StringRef range) -> LogicalResult {
    Attribute attr = (*this)->getAttr(name);
    if (!attr)
      return success();
    auto f = dyn_cast<FloatAttr>(attr);
    if (!f || !std::isfinite(f.getValueAsDouble()) ||
        !inRange(f.getValueAsDouble()))
      return emitOpError("hyperparameter '")
             << name << "' must be a float " << range;
    return success();
  };
  if (failed(checkFloat("lr", [](double v) { return v > 0; }, "> 0")) ||
      failed(checkFloat("clip_norm", [](double v) { return v >= 0; },
                        ">= 0")) ||
      failed(checkFloat("noise", [](double v) { return v >= 0; }, ">= 0")))
    return failure();
  // Integers that the executable's manifest carries exactly (2^53: it
  // reads hyperparameters as doubles).
  constexpr int64_t kMaxInteger = int64_t(1) << 53;
  for (StringRef name : {"epochs", "seed"}) {
    Attribute attr = (*this)->getAttr(name);
    if (!attr)
      continue;
    auto i = dyn_cast<IntegerAttr>(attr);
    int64_t min = name == "epochs" ? 1 : 0;
    if (!i || i.getValue().getSignificantBits() > 64 || i.getInt() < min ||
        i.getInt() > kMaxInteger)
      return emitOpError("hyperparameter '")
             << name << "' must be an integer >= " << min << " and <= 2^53";
  }
  for (NamedAttribute attr : (*this)->getAttrs()) {
    StringRef name = attr.getName().strref();
    // Dialect attributes ("dialect.name") belong to their dialects, the
    // symbol's name and visibility to the symbol table.
    if (name == getSymNameAttrName() ||
        name == mlir::SymbolTable::getVisibilityAttrName() ||
        name.contains('.') || llvm::is_contained(kHyperparameters, name))
      continue;
    return emitOpError("unknown hyperparameter '")
           << name << "' (known: "
           << llvm::join(ArrayRef(kHyperparameters), ", ") << ")";
  }
  if ((*this)->getParentOfType<ModelOp>())
    return emitOpError("must not be nested in another nn.model");
  return success();
}

//===----------------------------------------------------------------------===//
// ParamOp
//===----------------------------------------------------------------------===//

/// A parameter's name is a checkpoint's tensor name, a field of the
/// executable's manifest and an item of `--freeze a,b`: no separators, and
/// not safetensors' reserved `__metadata__`.
static LogicalResult verifyParamName(ParamOp op) {
  StringRef name = op.getSymName();
  if (name.empty())
    return op.emitOpError("parameter name must not be empty");
  if (name == "__metadata__")
    return op.emitOpError("parameter name '__metadata__' is reserved by "
                          "safetensors checkpoints");
  for (char c : name)
    if (!llvm::isAlnum(c) && c != '_' && c != '.' && c != '-')
      return op.emitOpError("parameter name '")
             << name << "' may hold only letters, digits, '_', '.' and '-'";
  return success();
}

LogicalResult ParamOp::verify() {
  if (failed(verifyParamName(*this)))
    return failure();
  if (getFrozen() && getBuffer())
    return emitOpError("a buffer is never trained: `frozen` is redundant");
  if (failed(verifyTensorSize(*this, "parameter", getTensorType())))
    return failure();
  std::string error;
  auto init = cast<InitializerAttr>(getInit());
  FailureOr<Distribution> distribution =
      init.getDistribution(getTensorType().getShape(), error);
  if (failed(distribution))
    return emitOpError("initializer ") << getInit() << ": " << error;
  // The values are drawn in f32; a normal draw stays within 8 deviations.
  const double kMaxFloat = std::numeric_limits<float>::max();
  double reach = distribution->kind == Distribution::Kind::Normal
                     ? std::abs(distribution->a) + 8 * std::abs(distribution->b)
                     : std::max(std::abs(distribution->a),
                                std::abs(distribution->b));
  if (!(reach <= kMaxFloat) ||
      (distribution->kind != Distribution::Kind::Constant &&
       distribution->kind != Distribution::Kind::Pretrained &&
       distribution->b < (distribution->kind == Distribution::Kind::Normal
                              ? 0.0
                              : distribution->a)))
    return emitOpError("initializer ")
           << getInit() << " gives no finite f32 distribution (its gain "
           << "must be >= 0 and its values within the range of f32)";
  return success();
}

//===----------------------------------------------------------------------===//
// ForwardOp
//===----------------------------------------------------------------------===//

ParseResult ForwardOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::Argument> args;
  if (parser.parseArgumentList(args, OpAsmParser::Delimiter::Paren,
                               /*allowType=*/true) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *body = result.addRegion();
  return parser.parseRegion(*body, args);
}

void ForwardOp::print(OpAsmPrinter &p) {
  p << "(";
  llvm::interleaveComma(getBody().getArguments(), p,
                        [&](BlockArgument arg) { p.printRegionArgument(arg); });
  p << ")";
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs());
  p << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false);
}

LogicalResult ForwardOp::verify() {
  Block &block = getBody().front();
  if (block.getNumArguments() != 2)
    return emitOpError("takes the input batch and its targets, got ")
           << block.getNumArguments() << " arguments";
  auto input = dyn_cast<RankedTensorType>(block.getArgument(0).getType());
  auto target = dyn_cast<RankedTensorType>(block.getArgument(1).getType());
  if (!input || !input.hasStaticShape() || !input.getElementType().isF32() ||
      input.getRank() < 2)
    return emitOpError("input must be a static f32 tensor [batch, ...], got ")
           << block.getArgument(0).getType();
  if (!target || !target.hasStaticShape() || target.getRank() < 1 ||
      !(target.getElementType().isF32() ||
        target.getElementType().isSignlessInteger(32)))
    return emitOpError("targets must be a static i32 or f32 tensor "
                       "[batch, ...], got ")
           << block.getArgument(1).getType();
  if (failed(verifyTensorSize(*this, "input", input)) ||
      failed(verifyTensorSize(*this, "targets", target)))
    return failure();
  if (target.getDimSize(0) != input.getDimSize(0))
    return emitOpError("input and targets disagree on the batch size: ")
           << input.getDimSize(0) << " vs " << target.getDimSize(0);
  if (block.empty() || !isa<ReturnOp>(block.back()))
    return emitOpError("must end with nn.return");
  return success();
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// Checks that a layer takes its weight either as a parameter or as a value.
static LogicalResult verifyWeightSource(Operation *op, FlatSymbolRefAttr sym,
                                        Value value) {
  if (bool(sym) == bool(value))
    return op->emitOpError("takes its weight as a parameter or as a value, "
                           "not ")
           << (sym ? "both" : "neither");
  return success();
}

LogicalResult DenseOp::verify() {
  return verifyWeightSource(*this, getWeightAttr(), getWeightValue());
}

LogicalResult DenseOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (in.getRank() != 2 || out.getRank() != 2)
    return emitOpError("input and output must be [batch, features], got ")
           << in << " -> " << out;
  if (in.getDimSize(0) != out.getDimSize(0))
    return emitOpError("batch size changes from ")
           << in.getDimSize(0) << " to " << out.getDimSize(0);
  Type f32 = in.getElementType();
  auto weightType =
      RankedTensorType::get({out.getDimSize(1), in.getDimSize(1)}, f32);
  if (!getWeightAttr()) {
    if (getWeightValue().getType() != weightType)
      return emitOpError("weight must be ")
             << weightType << ", got " << getWeightValue().getType();
  } else if (failed(verifyParamUse(*this, "weight", getWeightAttr(),
                                   weightType, symbols))) {
    return failure();
  }
  if (auto bias = getBiasAttr())
    return verifyParamUse(*this, "bias", bias,
                          RankedTensorType::get({out.getDimSize(1)}, f32),
                          symbols);
  return success();
}

LogicalResult FlattenOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (in.getRank() < 2)
    return emitOpError("input must have a batch dimension and at least one "
                       "more, got ")
           << in;
  if (out.getRank() != 2 || out.getDimSize(0) != in.getDimSize(0) ||
      out.getNumElements() != in.getNumElements())
    return emitOpError("result must be [")
           << in.getDimSize(0) << ", "
           << in.getNumElements() / std::max<int64_t>(in.getDimSize(0), 1)
           << "], got " << out;
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

int64_t mlir::nn::windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                   int64_t padding, int64_t dilation) {
  int64_t span = in + 2 * padding - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

/// Checks that every element of `values` is at least `min` and at most
/// 2^24, so that window arithmetic on int64 cannot overflow.
static LogicalResult checkWindowRange(Operation *op, StringRef name,
                                  ArrayRef<int64_t> values, int64_t min) {
  constexpr int64_t kMax = int64_t(1) << 24;
  for (int64_t v : values) {
    if (v < min)
      return op->emitOpError() << name << " must be >= " << min << ", got "
                               << v;
    if (v > kMax)
      return op->emitOpError() << name << " must be <= " << kMax << ", got "
                               << v;
  }
  return success();
}

/// Checks an NCHW input/output pair for the given window geometry.
static LogicalResult verifyWindow(Operation *op, RankedTensorType in,
                                  RankedTensorType out, int64_t channels,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> stride,
                                  ArrayRef<int64_t> padding,
                                  ArrayRef<int64_t> dilation) {
  if (in.getRank() != 4 || out.getRank() != 4)
    return op->emitOpError("input and output must be NCHW, got ")
           << in << " -> " << out;
  SmallVector<int64_t> expected = {in.getDimSize(0), channels};
  for (int i = 0; i < 2; ++i) {
    int64_t size = windowOutputSize(in.getDimSize(2 + i), kernel[i], stride[i],
                                    padding[i], dilation[i]);
    if (size < 1)
      return op->emitOpError("window does not fit the input: ")
             << in.getDimSize(2 + i) << " + 2*" << padding[i]
             << " is smaller than the kernel extent "
             << dilation[i] * (kernel[i] - 1) + 1;
    expected.push_back(size);
  }
  if (out.getShape() != ArrayRef<int64_t>(expected)) {
    std::string shape;
    llvm::raw_string_ostream os(shape);
    llvm::interleave(expected, os, "x");
    return op->emitOpError("output must be ") << shape << ", got " << out;
  }
  return success();
}

LogicalResult Conv2dOp::verify() {
  if (failed(checkWindowRange(*this, "stride", getStride(), 1)) ||
      failed(checkWindowRange(*this, "padding", getPadding(), 0)) ||
      failed(checkWindowRange(*this, "dilation", getDilation(), 1)))
    return failure();
  if (getInput().getType().getRank() != 4)
    return emitOpError("input must be NCHW, got ") << getInput().getType();
  return verifyWeightSource(*this, getWeightAttr(), getWeightValue());
}

RankedTensorType Conv2dOp::getWeightType() {
  if (Value value = getWeightValue())
    return cast<RankedTensorType>(value.getType());
  ParamOp param = lookupParam(*this, getWeightAttr());
  return param ? param.getTensorType() : RankedTensorType();
}

LogicalResult Conv2dOp::verifySymbolUses(SymbolTableCollection &symbols) {
  RankedTensorType w;
  if (auto sym = getWeightAttr()) {
    auto param = symbols.lookupNearestSymbolFrom<ParamOp>(*this, sym);
    if (!param)
      return emitOpError("weight ") << sym << " does not name an nn.param";
    w = param.getTensorType();
  } else {
    w = getWeightValue().getType();
  }
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (w.getRank() != 4 || w.getDimSize(1) != in.getDimSize(1)) {
    auto diag = emitOpError("weight ");
    if (getWeightAttr())
      diag << getWeightAttr() << " ";
    return diag << "must be [out, " << in.getDimSize(1) << ", kh, kw], but "
                << (getWeightAttr() ? "the parameter" : "it") << " is " << w;
  }
  if (failed(verifyWindow(*this, in, out, w.getDimSize(0), w.getShape().drop_front(2),
                          getStride(), getPadding(), getDilation())))
    return failure();
  if (auto bias = getBiasAttr())
    return verifyParamUse(*this, "bias", bias,
                          RankedTensorType::get({w.getDimSize(0)},
                                                w.getElementType()),
                          symbols);
  return success();
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  if (failed(checkWindowRange(op, "kernel", op.getKernel(), 1)) ||
      failed(checkWindowRange(op, "stride", op.getStrides(), 1)) ||
      failed(checkWindowRange(op, "padding", op.getPadding(), 0)))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (2 * op.getPadding()[i] > op.getKernel()[i])
      return op.emitOpError("padding must be at most half the kernel, got ")
             << op.getPadding()[i] << " for kernel " << op.getKernel()[i];
  auto in = op.getInput().getType();
  int64_t channels = in.getRank() == 4 ? in.getDimSize(1) : 0;
  int64_t one[] = {1, 1};
  return verifyWindow(op, in, op.getOutput().getType(), channels,
                      op.getKernel(), op.getStrides(), op.getPadding(), one);
}

LogicalResult MaxPool2dOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2dOp::verify() { return verifyPool(*this); }

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

/// Checks the ε that keeps a normalization's division finite.
static LogicalResult verifyEpsilon(Operation *op, llvm::APFloat epsilon) {
  float eps = epsilon.convertToFloat();
  if (!std::isfinite(eps) || eps <= 0.0f)
    return op->emitOpError("epsilon must be > 0, got ") << eps;
  return success();
}

/// The rules BatchNorm and its fused form share.
template <typename OpTy>
static LogicalResult verifyBatchNorm(OpTy op) {
  auto in = op.getInput().getType();
  if (in.getRank() != 2 && in.getRank() != 4)
    return op.emitOpError("input must be [N, C] or [N, C, H, W], got ") << in;
  // Each channel's statistics are over N (x H x W) values; with one, the
  // normalized value is 0 whatever the input (PyTorch refuses it too).
  int64_t perChannel = in.getNumElements() / in.getDimSize(1);
  if (perChannel < 2)
    return op.emitOpError("needs more than one value per channel to compute "
                          "batch statistics in training, got ")
           << perChannel;
  if (failed(verifyEpsilon(op, op.getEpsilon())))
    return failure();
  float momentum = op.getMomentum().convertToFloat();
  if (!std::isfinite(momentum) || momentum < 0.0f || momentum > 1.0f)
    return op.emitOpError("momentum must be in [0, 1], got ") << momentum;
  return success();
}

LogicalResult BatchNormOp::verify() { return verifyBatchNorm(*this); }

/// The range of `alpha` that leaky ReLU and ELU accept; other activations
/// ignore it.
static LogicalResult verifyActivationAlpha(Operation *op, Activation kind,
                                           llvm::APFloat alphaAttr) {
  float alpha = alphaAttr.convertToFloat();
  if (kind == Activation::leaky_relu &&
      (!std::isfinite(alpha) || alpha < 0.0f || alpha >= 1.0f))
    return op->emitOpError("alpha must be in [0, 1), got ") << alpha;
  if (kind == Activation::elu && (!std::isfinite(alpha) || alpha <= 0.0f))
    return op->emitOpError("alpha must be > 0, got ") << alpha;
  return success();
}

LogicalResult BatchNormActOp::verify() {
  if (failed(verifyBatchNorm(*this)))
    return failure();
  if (auto kind = getActivation())
    return verifyActivationAlpha(*this, *kind, getAlpha());
  return success();
}

LogicalResult BatchNormFoldOp::verify() {
  auto weight = getWeight().getType();
  auto bias = getFoldedBias().getType();
  if (bias.getRank() != 1 || weight.getRank() < 2 ||
      bias.getDimSize(0) != weight.getDimSize(0))
    return emitOpError("folded bias must be [out] of the weight ")
           << weight << ", got " << bias;
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult BiasAddOp::verify() {
  auto in = getInput().getType();
  auto bias = getBias().getType();
  if (in.getRank() < 2 || bias.getRank() != 1 ||
      bias.getDimSize(0) != in.getDimSize(1))
    return emitOpError("bias must be [C] for the input ")
           << in << ", got " << bias;
  if (auto kind = getActivation())
    return verifyActivationAlpha(*this, *kind, getAlpha());
  return success();
}

/// Checks that `sym` names a tensor of `type`, a buffer exactly when
/// `buffer` is set.
static LogicalResult verifyStateParam(Operation *op, StringRef role,
                                      FlatSymbolRefAttr sym,
                                      RankedTensorType type, bool buffer,
                                      SymbolTableCollection &symbols) {
  if (failed(verifyParamUse(op, role, sym, type, symbols)))
    return failure();
  auto param = symbols.lookupNearestSymbolFrom<ParamOp>(op, sym);
  if (param.getBuffer() != buffer)
    return op->emitOpError() << role << " " << sym
                             << (buffer ? " must be declared `buffer`"
                                        : " must be a parameter, not a buffer");
  return success();
}

/// Checks that `sym` names a per-channel tensor, a buffer exactly when
/// `buffer` is set.
static LogicalResult verifyChannelParam(Operation *op, StringRef role,
                                        FlatSymbolRefAttr sym, int64_t channels,
                                        bool buffer,
                                        SymbolTableCollection &symbols) {
  auto type = RankedTensorType::get({channels}, Float32Type::get(op->getContext()));
  return verifyStateParam(op, role, sym, type, buffer, symbols);
}

/// γ, β and the running statistics of a BatchNorm on `channels` channels.
static LogicalResult verifyBatchNormParams(Operation *op, int64_t channels,
                                           FlatSymbolRefAttr weight,
                                           FlatSymbolRefAttr bias,
                                           FlatSymbolRefAttr mean,
                                           FlatSymbolRefAttr var,
                                           SymbolTableCollection &symbols) {
  if (failed(verifyChannelParam(op, "weight", weight, channels, false, symbols)) ||
      failed(verifyChannelParam(op, "bias", bias, channels, false, symbols)) ||
      failed(verifyChannelParam(op, "running_mean", mean, channels, true, symbols)) ||
      failed(verifyChannelParam(op, "running_var", var, channels, true, symbols)))
    return failure();
  // One tensor in two roles would take both roles' updates.
  if (weight == bias)
    return op->emitOpError("weight and bias must be different parameters, got ")
           << weight << " for both";
  if (mean == var)
    return op->emitOpError("running_mean and running_var must be different "
                           "buffers, got ")
           << mean << " for both";
  return success();
}

LogicalResult BatchNormOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyBatchNormParams(*this, getInput().getType().getDimSize(1),
                               getWeightAttr(), getBiasAttr(),
                               getRunningMeanAttr(), getRunningVarAttr(),
                               symbols);
}

LogicalResult BatchNormActOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyBatchNormParams(*this, getInput().getType().getDimSize(1),
                               getWeightAttr(), getBiasAttr(),
                               getRunningMeanAttr(), getRunningVarAttr(),
                               symbols);
}

LogicalResult BatchNormFoldOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyBatchNormParams(*this, getWeight().getType().getDimSize(0),
                               getBnWeightAttr(), getBnBiasAttr(),
                               getRunningMeanAttr(), getRunningVarAttr(),
                               symbols);
}

//===----------------------------------------------------------------------===//
// Per-sample normalization
//===----------------------------------------------------------------------===//

RankedTensorType NormView::getInputType(MLIRContext *ctx) const {
  return RankedTensorType::get({rows, groups, channels, elements},
                               Float32Type::get(ctx));
}

RankedTensorType NormView::getParamType(MLIRContext *ctx) const {
  return RankedTensorType::get({groups, channels}, Float32Type::get(ctx));
}

/// Elements per channel of an [N, C, ...] tensor.
static int64_t elementsPerChannel(RankedTensorType type) {
  return type.getNumElements() / (type.getDimSize(0) * type.getDimSize(1));
}

/// Checks what GroupNorm and InstanceNorm share: ε, an [N, C, ...] input
/// of at least `minRank`, and γ and β given together (PyTorch's `affine`).
template <typename OpTy>
static LogicalResult verifyChannelNorm(OpTy op, int64_t minRank,
                                       StringRef shape) {
  if (failed(verifyEpsilon(op, op.getEpsilon())))
    return failure();
  auto in = op.getInput().getType();
  if (in.getRank() < minRank)
    return op.emitOpError("input must be ") << shape << ", got " << in;
  if (bool(op.getWeightAttr()) != bool(op.getBiasAttr()))
    return op.emitOpError("takes both weight and bias (affine) or neither");
  return success();
}

/// Checks GroupNorm's and InstanceNorm's optional per-channel γ and β.
template <typename OpTy>
static LogicalResult verifyChannelAffine(OpTy op,
                                         SymbolTableCollection &symbols) {
  if (!op.getWeightAttr())
    return success();
  int64_t c = op.getInput().getType().getDimSize(1);
  if (failed(verifyChannelParam(op, "weight", op.getWeightAttr(), c, false,
                                symbols)))
    return failure();
  return verifyChannelParam(op, "bias", op.getBiasAttr(), c, false, symbols);
}

LogicalResult LayerNormOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("input must be [N, ...], got ") << getInput().getType();
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult LayerNormOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto in = getInput().getType();
  auto param = symbols.lookupNearestSymbolFrom<ParamOp>(*this, getWeightAttr());
  if (!param)
    return emitOpError("weight ") << getWeightAttr()
                                  << " does not name an nn.param";
  // PyTorch's normalized_shape: trailing dimensions of the input, never the
  // batch dimension, since statistics are per sample.
  auto w = param.getTensorType();
  if (w.getRank() >= in.getRank() ||
      in.getShape().take_back(w.getRank()) != w.getShape())
    return emitOpError("weight ")
           << getWeightAttr() << " must span trailing dimensions of "
           << in << " after the batch dimension, but the parameter is " << w;
  if (failed(verifyStateParam(*this, "weight", getWeightAttr(), w, false,
                              symbols)))
    return failure();
  return verifyStateParam(*this, "bias", getBiasAttr(), w, false, symbols);
}

NormView LayerNormOp::getNormView(RankedTensorType weightType) {
  int64_t normalized = weightType.getNumElements();
  return {getInput().getType().getNumElements() / normalized, 1, normalized,
          1};
}

LogicalResult GroupNormOp::verify() {
  if (failed(verifyChannelNorm(*this, 2, "[N, C, ...]")))
    return failure();
  auto groups = int64_t(getGroups());
  int64_t c = getInput().getType().getDimSize(1);
  if (groups < 1 || c % groups != 0)
    return emitOpError("groups must be >= 1 and divide the ")
           << c << " channels, got " << groups;
  return success();
}

LogicalResult GroupNormOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyChannelAffine(*this, symbols);
}

NormView GroupNormOp::getNormView(RankedTensorType) {
  auto in = getInput().getType();
  auto groups = int64_t(getGroups());
  return {in.getDimSize(0), groups, in.getDimSize(1) / groups,
          elementsPerChannel(in)};
}

LogicalResult InstanceNormOp::verify() {
  if (failed(verifyChannelNorm(*this, 3, "[N, C, spatial...]")))
    return failure();
  // A single element per channel normalizes to 0 whatever the input:
  // PyTorch refuses it too.
  int64_t spatial = elementsPerChannel(getInput().getType());
  if (spatial < 2)
    return emitOpError("needs more than one spatial element per channel, got ")
           << spatial;
  return success();
}

LogicalResult
InstanceNormOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyChannelAffine(*this, symbols);
}

NormView InstanceNormOp::getNormView(RankedTensorType) {
  auto in = getInput().getType();
  return {in.getDimSize(0), in.getDimSize(1), 1, elementsPerChannel(in)};
}

//===----------------------------------------------------------------------===//
// Weight normalization
//===----------------------------------------------------------------------===//

RankedTensorType WeightNormOp::getNormType() {
  auto w = getWeight().getType();
  SmallVector<int64_t> shape(w.getRank(), 1);
  shape[0] = w.getDimSize(0);
  return RankedTensorType::get(shape, w.getElementType());
}

LogicalResult WeightNormOp::verifySymbolUses(SymbolTableCollection &symbols) {
  // A 1-d weight would have a norm per element: |v|·g/|v| = ±g, v unused.
  if (getWeight().getType().getRank() < 2)
    return emitOpError("weight must be [out, ...] with at least 2 "
                       "dimensions, got ")
           << getWeight().getType();
  if (failed(verifyStateParam(*this, "weight_g", getWeightGAttr(),
                              getNormType(), false, symbols)))
    return failure();
  return verifyStateParam(*this, "weight_v", getWeightVAttr(),
                          getWeight().getType(), false, symbols);
}

LogicalResult
BatchNormUpdateStatsOp::verifySymbolUses(SymbolTableCollection &symbols) {
  int64_t c = getInput().getType().getDimSize(1);
  if (failed(verifyChannelParam(*this, "running_mean", getRunningMeanAttr(), c,
                                true, symbols)))
    return failure();
  return verifyChannelParam(*this, "running_var", getRunningVarAttr(), c, true,
                            symbols);
}

//===----------------------------------------------------------------------===//
// Activations and losses
//===----------------------------------------------------------------------===//

RankedTensorType GramOp::getParamType() {
  return SymbolTable::lookupNearestSymbolFrom<ParamOp>(*this, getParamAttr())
      .getTensorType();
}

LogicalResult GramOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto out = getOutput().getType();
  auto param = symbols.lookupNearestSymbolFrom<ParamOp>(*this, getParamAttr());
  if (param && (param.getTensorType().getRank() != 2 || out.getRank() != 2 ||
                out.getDimSize(0) != param.getTensorType().getDimSize(0) ||
                out.getDimSize(1) != out.getDimSize(0)))
    return emitOpError("needs an [n, r] parameter and an [n, n] result, got ")
           << param.getTensorType() << " and " << out;
  return verifyStateParam(*this, "parameter", getParamAttr(),
                          param ? param.getTensorType() : out, false, symbols);
}

LogicalResult MseOp::verify() {
  if (getReduction() != "mean" && getReduction() != "sum")
    return emitOpError("reduction must be \"mean\" or \"sum\", got \"")
           << getReduction() << "\"";
  return success();
}

LogicalResult LeakyReluOp::verify() {
  return verifyActivationAlpha(*this, Activation::leaky_relu, getAlpha());
}

LogicalResult EluOp::verify() {
  return verifyActivationAlpha(*this, Activation::elu, getAlpha());
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  auto logits = getLogits().getType();
  auto labels = getLabels().getType();
  if (logits.getRank() != 2)
    return emitOpError("logits must be [batch, classes], got ") << logits;
  if (logits.getDimSize(1) < 2)
    return emitOpError("needs at least 2 classes, got ")
           << logits.getDimSize(1);
  if (labels.getRank() != 1 || labels.getDimSize(0) != logits.getDimSize(0))
    return emitOpError("labels must be [")
           << logits.getDimSize(0) << "] class indices, got " << labels;
  return success();
}

//===----------------------------------------------------------------------===//
// Backward and optimizer ops
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhs = getLhs().getType();
  auto rhs = getRhs().getType();
  auto res = getResult().getType();
  if (lhs.getRank() != 2 || rhs.getRank() != 2 || res.getRank() != 2)
    return emitOpError("operands and result must be matrices");
  int64_t m = lhs.getDimSize(getTransposeLhs() ? 1 : 0);
  int64_t k = lhs.getDimSize(getTransposeLhs() ? 0 : 1);
  int64_t k2 = rhs.getDimSize(getTransposeRhs() ? 1 : 0);
  int64_t n = rhs.getDimSize(getTransposeRhs() ? 0 : 1);
  if (k != k2)
    return emitOpError("contraction sizes differ: ") << k << " vs " << k2;
  if (res.getDimSize(0) != m || res.getDimSize(1) != n)
    return emitOpError("result must be ") << m << "x" << n << ", got " << res;
  return success();
}

LogicalResult ReduceSumOp::verify() {
  auto in = getInput().getType();
  SmallVector<int64_t> kept;
  int64_t last = -1;
  for (int64_t d : getDims()) {
    if (d <= last || d >= in.getRank())
      return emitOpError("dims must be increasing and in [0, ")
             << in.getRank() << ")";
    last = d;
  }
  for (int64_t i = 0; i < in.getRank(); ++i)
    if (!llvm::is_contained(getDims(), i))
      kept.push_back(in.getDimSize(i));
  if (getOutput().getType().getShape() != ArrayRef<int64_t>(kept))
    return emitOpError("result shape does not match the kept dimensions");
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() !=
      getOutput().getType().getNumElements())
    return emitOpError("element counts differ");
  return success();
}

LogicalResult SampleNormGradOp::verify() {
  auto in = getInput().getType();
  if (in.getRank() != 4)
    return emitOpError("input must be the [rows, groups, channels, elements] "
                       "view, got ")
           << in;
  auto param = RankedTensorType::get({in.getDimSize(1), in.getDimSize(2)},
                                     in.getElementType());
  if (getWeightGrad().getType() != param)
    return emitOpError("weight gradient must be ") << param << ", got "
                                                   << getWeightGrad().getType();
  return success();
}

LogicalResult GlobalNormOp::verify() {
  if (getParams().size() != getGrads().size())
    return emitOpError("needs one parameter name per gradient");
  return success();
}

LogicalResult ReadParamOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyParamUse(*this, "parameter", getParamAttr(),
                        getValue().getType(), symbols);
}

LogicalResult SgdUpdateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyParamUse(*this, "parameter", getParamAttr(),
                        getGrad().getType(), symbols);
}

#define GET_OP_CLASSES
#include "dialects/NN/IR/NNOps.cpp.inc"
