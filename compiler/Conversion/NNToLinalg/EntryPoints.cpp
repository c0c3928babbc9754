//===- EntryPoints.cpp - the ABI functions and manifest of a model --------===//
//
// Turns a model's nn functions (@train_step, @predict, @gradient, @loss) into
// the C entry points of runtime/include/nnrt/nnrt.h, and describes the model
// in the `nnc_manifest` string (docs/abi.md).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/EntryPoints.h"
#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/Tape.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::nn;
using namespace nnc;

StateLayout nnc::StateLayout::compute(ModelOp model) {
  StateLayout layout;
  for (auto [i, param] : llvm::enumerate(model.getParams())) {
    TensorSlot slot{layout.size, param.getTensorType(), int64_t(i)};
    layout.slots[param.getSymNameAttr()] = slot;
    layout.size += slot.type.getNumElements();
  }
  return layout;
}

namespace {
MemRefType memrefOf(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

Value toTensor(OpBuilder &b, Location loc, Value buffer, bool writable) {
  auto type = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(type.getShape(), type.getElementType()),
      buffer, /*restrict=*/true, writable);
}

void store(OpBuilder &b, Location loc, Value tensor, Value buffer) {
  auto op = bufferization::MaterializeInDestinationOp::create(b, loc, tensor,
                                                              buffer);
  op.setRestrict(true);
  op.setWritable(true);
}

/// A 1-d tensor of the scalars held by 0-d tensors `scalars`.
Value gather(OpBuilder &b, Location loc, ValueRange scalars) {
  SmallVector<Value> elems;
  for (Value s : scalars)
    elems.push_back(tensor::ExtractOp::create(b, loc, s, ValueRange{}));
  auto type = RankedTensorType::get({int64_t(elems.size())},
                                    elems.front().getType());
  return tensor::FromElementsOp::create(b, loc, type, elems);
}

/// Clones the body of `from` with its arguments bound to `args`; returns
/// the values it returns. `mapping` receives the clones of all values.
SmallVector<Value> inlineBody(OpBuilder &b, func::FuncOp from, ValueRange args,
                              IRMapping &mapping) {
  mapping.map(from.getArguments(), args);
  Block &body = from.getBody().front();
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  return llvm::map_to_vector(body.getTerminator()->getOperands(),
                             [&](Value v) { return mapping.lookup(v); });
}

SmallVector<Value> inlineBody(OpBuilder &b, func::FuncOp from,
                              ValueRange args) {
  IRMapping mapping;
  return inlineBody(b, from, args, mapping);
}

class EntryBuilder {
public:
  EntryBuilder(ModuleOp module, const StateLayout &layout)
      : module(module), layout(layout), b(module.getContext()) {}

  /// A public function `name` with an entry block, at the module's end.
  func::FuncOp create(StringRef name, ArrayRef<Type> args, Location loc) {
    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, loc, name, b.getFunctionType(args, {}));
    b.setInsertionPointToStart(func.addEntryBlock());
    return func;
  }

  MemRefType stateType(Type elem) const {
    return MemRefType::get({layout.size}, elem);
  }

  FailureOr<Entry> trainStep(func::FuncOp src) {
    Location loc = src.getLoc();
    auto in = src.getArgumentTypes();
    Type f32 = b.getF32Type(), i64 = b.getI64Type();
    auto results = src.getResultTypes();
    auto func = create(
        "nnc_train_step",
        {stateType(f32), memrefOf(in[0]), memrefOf(in[1]),
         MemRefType::get({3}, f32),
         MemRefType::get({int64_t(layout.slots.size())}, f32), i64, i64,
         MemRefType::get({2}, f32), memrefOf(results[2])},
        loc);
    auto a = func.getArguments();
    StateAccess access{toTensor(b, loc, a[0], true), a[0],
                       toTensor(b, loc, a[4], false)};
    Value hyper = toTensor(b, loc, a[3], false);
    SmallVector<Value> args{toTensor(b, loc, a[1], false),
                            toTensor(b, loc, a[2], false)};
    for (int64_t i = 0; i < 3; ++i)
      args.push_back(tensor::ExtractOp::create(
          b, loc, hyper, ValueRange{arith::ConstantIndexOp::create(b, loc, i)}));
    args.append({a[5], a[6]});
    auto ret = inlineBody(b, src, args);
    // Results: loss, gradient norm, output.
    store(b, loc, gather(b, loc, {ret[0], ret[1]}), a[7]);
    store(b, loc, ret[2], a[8]);
    func::ReturnOp::create(b, loc);
    return Entry{func, access};
  }

  FailureOr<Entry> predict(func::FuncOp src) {
    Location loc = src.getLoc();
    auto func = create("nnc_predict",
                       {stateType(b.getF32Type()),
                        memrefOf(src.getArgumentTypes()[0]),
                        memrefOf(src.getResultTypes()[0])},
                       loc);
    auto a = func.getArguments();
    StateAccess access{toTensor(b, loc, a[0], false), nullptr, nullptr};
    auto ret = inlineBody(b, src, {toTensor(b, loc, a[1], false)});
    store(b, loc, ret[0], a[2]);
    func::ReturnOp::create(b, loc);
    return Entry{func, access};
  }

  FailureOr<Entry> gradient(func::FuncOp src) {
    return gradientEntry("nnc_gradient", src, nullptr);
  }

  /// nnc_gradient plus the tape: every layer's activations (Tape.h).
  FailureOr<Entry> diagnose(func::FuncOp src, const Tape &tape) {
    return gradientEntry("nnc_diagnose", src, &tape);
  }

  /// Built in f32 like the others; widenToF64 turns it into f64 once lowered.
  FailureOr<Entry> lossF64(func::FuncOp src) {
    Location loc = src.getLoc();
    Type f32 = b.getF32Type();
    auto in = src.getArgumentTypes();
    auto func = create("nnc_loss_f64",
                       {stateType(f32), memrefOf(in[0]), memrefOf(in[1]),
                        MemRefType::get({1}, f32)},
                       loc);
    auto a = func.getArguments();
    StateAccess access{toTensor(b, loc, a[0], false), nullptr, nullptr};
    auto ret = inlineBody(
        b, src, {toTensor(b, loc, a[1], false), toTensor(b, loc, a[2], false)});
    store(b, loc, gather(b, loc, {ret[0]}), a[3]);
    func::ReturnOp::create(b, loc);
    return Entry{func, access};
  }

private:
  /// The loss and the gradients of @gradient `src` (and with `tape`, the
  /// layers' activations into one more buffer argument).
  FailureOr<Entry> gradientEntry(StringRef name, func::FuncOp src,
                                 const Tape *tape) {
    Location loc = src.getLoc();
    Type f32 = b.getF32Type();
    auto in = src.getArgumentTypes();
    SmallVector<Type> args{stateType(f32), memrefOf(in[0]), memrefOf(in[1]),
                           MemRefType::get({1}, f32), stateType(f32)};
    auto tapeType =
        RankedTensorType::get({tape ? std::max<int64_t>(tape->size, 1) : 0}, f32);
    if (tape)
      args.push_back(memrefOf(tapeType));
    auto func = create(name, args, loc);
    auto a = func.getArguments();
    StateAccess access{toTensor(b, loc, a[0], false), nullptr, nullptr};
    IRMapping mapping;
    auto ret = inlineBody(
        b, src, {toTensor(b, loc, a[1], false), toTensor(b, loc, a[2], false)},
        mapping);
    store(b, loc, gather(b, loc, {ret[0]}), a[3]);
    store(b, loc, scatterGradients(src, ret, loc), a[4]);
    if (tape) {
      Value record = nnc::filledTensor(b, loc, tapeType, 0.0);
      for (const TapeLayer &layer : tape->layers) {
        Value pre = mapping.lookup(layer.pre);
        if (layer.preBeforeFusedActivation) {
          Operation *withoutActivation = b.clone(*pre.getDefiningOp());
          withoutActivation->removeAttr("activation");
          pre = withoutActivation->getResult(0);
        }
        record = insertFlat(pre, record, layer.preOffset, loc);
        if (layer.post)
          record = insertFlat(mapping.lookup(layer.post), record,
                              layer.postOffset, loc);
      }
      store(b, loc, record, a[5]);
    }
    func::ReturnOp::create(b, loc);
    return Entry{func, access};
  }

  /// `value` flattened into `into` at `offset`.
  Value insertFlat(Value value, Value into, int64_t offset, Location loc) {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t n = type.getNumElements();
    Value flat = nnc::buildReshape(
        b, loc, value, RankedTensorType::get({n}, type.getElementType()));
    return tensor::InsertSliceOp::create(
        b, loc, flat, into, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(n)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }

  /// The gradients that @gradient returns after the loss and the output, at
  /// their parameters' offsets in a state-sized tensor; the rest stays 0.
  Value scatterGradients(func::FuncOp src, ArrayRef<Value> ret, Location loc) {
    Value grads = nnc::filledTensor(
        b, loc, RankedTensorType::get({layout.size}, b.getF32Type()), 0.0);
    auto params = src->getAttrOfType<ArrayAttr>(NNDialect::kParamsAttrName);
    for (auto [param, g] : llvm::zip(params, ret.drop_front(2))) {
      const TensorSlot &slot =
          layout.slots.lookup(cast<FlatSymbolRefAttr>(param).getAttr());
      grads = insertFlat(g, grads, slot.offset, loc);
    }
    return grads;
  }

  ModuleOp module;
  const StateLayout &layout;
  OpBuilder b;
};

std::string joinShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, ",");
  return s;
}

/// Floating-point operations of one call of `func`: the matrix products.
int64_t countFlops(func::FuncOp func) {
  int64_t flops = 0;
  func.walk([&](Operation *op) {
    if (auto dense = dyn_cast<DenseOp>(op))
      flops += 2 * dense.getInput().getType().getNumElements() *
               dense.getOutput().getType().getDimSize(1);
    else if (auto conv = dyn_cast<Conv2dOp>(op))
      flops += 2 * conv.getOutput().getType().getNumElements() *
               conv.getWeightType().getNumElements() /
               conv.getOutput().getType().getDimSize(1);
    else if (isa<Conv2dInputGradOp, Conv2dWeightGradOp>(op)) {
      // Same work as the forward convolution: 2·|out|·|w|/O.
      auto w = cast<RankedTensorType>(
          isa<Conv2dInputGradOp>(op) ? op->getOperand(1).getType()
                                     : op->getResult(0).getType());
      auto dy = cast<RankedTensorType>(
          isa<Conv2dInputGradOp>(op) ? op->getOperand(0).getType()
                                     : op->getOperand(1).getType());
      flops += 2 * dy.getNumElements() * w.getNumElements() / w.getDimSize(0);
    } else if (auto mm = dyn_cast<MatmulOp>(op))
      flops += 2 * mm.getResult().getType().getNumElements() *
               mm.getLhs().getType().getDimSize(mm.getTransposeLhs() ? 0 : 1);
  });
  return flops;
}

std::string lossKind(func::FuncOp loss) {
  std::string kind = "unknown";
  loss.walk([&](Operation *op) {
    if (isa<SoftmaxCrossEntropyOp>(op))
      kind = "softmax_cross_entropy";
    else if (auto mse = dyn_cast<MseOp>(op))
      kind = mse.getReduction() == "sum" ? "mse_sum" : "mse";
  });
  return kind;
}
} // namespace

FailureOr<std::string> nnc::buildManifest(ModelOp model,
                                          const StateLayout &layout,
                                          ModelFunctions funcs,
                                          bool gradcheck) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto inputs = funcs.loss.getArgumentTypes();
  auto target = cast<RankedTensorType>(inputs[1]);
  os << "nnc 1\n"
     << "model " << model.getSymName() << "\n"
     << "input "
     << joinShape(cast<RankedTensorType>(inputs[0]).getShape()) << "\n"
     << "target " << (target.getElementType().isF32() ? "f32" : "i32") << " "
     << joinShape(target.getShape()) << "\n"
     << "output "
     << joinShape(cast<RankedTensorType>(funcs.predict.getResultTypes()[0])
                      .getShape())
     << "\n"
     << "loss " << lossKind(funcs.loss) << "\n"
     << "state_size " << layout.size << "\n";
  for (StringRef name : nn::kHyperparameters) {
    Attribute attr = model->getAttr(name);
    if (auto f = dyn_cast_or_null<FloatAttr>(attr))
      os << "hparam " << name << " "
         << llvm::format("%.9g", f.getValueAsDouble()) << "\n";
    else if (auto i = dyn_cast_or_null<IntegerAttr>(attr))
      os << "hparam " << name << " " << i.getInt() << "\n";
  }
  os << "flops " << countFlops(funcs.trainStep) << "\n"
     << "gradcheck " << (gradcheck ? 1 : 0) << "\n";
  printTapeRecords(collectTape(funcs.gradient), os);
  for (ParamOp param : model.getParams()) {
    std::string error;
    auto dist = cast<InitializerAttr>(param.getInit())
                    .getDistribution(param.getTensorType().getShape(), error);
    if (failed(dist))
      return param.emitOpError(error), failure();
    static const char *kinds[] = {"constant", "uniform", "normal",
                                  "pretrained"};
    const TensorSlot &slot = layout.slots.lookup(param.getSymNameAttr());
    os << "tensor " << param.getSymName() << " " << slot.offset << " "
       << joinShape(slot.type.getShape()) << " " << kinds[int(dist->kind)]
       << " " << llvm::format("%.9g", dist->a) << " "
       << llvm::format("%.9g", dist->b) << " "
       << (param.getBuffer()   ? "buffer"
           : param.getFrozen() ? "frozen"
                               : "trainable")
       << "\n";
  }
  return text;
}

void nnc::emitManifestGlobal(ModuleOp module, StringRef text) {
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  std::string data = text.str();
  data.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), data.size());
  LLVM::GlobalOp::create(b, module.getLoc(), type, /*isConstant=*/true,
                         LLVM::Linkage::External, "nnc_manifest",
                         b.getStringAttr(data));
}

FailureOr<SmallVector<Entry>> nnc::buildEntryPoints(ModuleOp module,
                                                    const StateLayout &layout,
                                                    ModelFunctions funcs,
                                                    bool gradcheck) {
  EntryBuilder builder(module, layout);
  SmallVector<Entry> entries;
  auto add = [&](FailureOr<Entry> entry) {
    if (failed(entry))
      return false;
    entries.push_back(*entry);
    return true;
  };
  if (!add(builder.trainStep(funcs.trainStep)) ||
      !add(builder.predict(funcs.predict)))
    return failure();
  if (!add(builder.diagnose(funcs.gradient, collectTape(funcs.gradient))))
    return failure();
  if (gradcheck && (!add(builder.gradient(funcs.gradient)) ||
                    !add(builder.lossF64(funcs.loss))))
    return failure();
  return entries;
}

FailureOr<Entry> nnc::buildGradientEntry(ModuleOp module,
                                         const StateLayout &layout,
                                         func::FuncOp gradient) {
  return EntryBuilder(module, layout).gradient(gradient);
}
