//===- Tape.cpp - the layers that nnc_diagnose records --------------------===//

#include "compiler/Conversion/NNToLinalg/Tape.h"
#include "dialects/NN/IR/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
/// The activation an op applies, or "" when it is not an activation.
StringRef activationKind(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case<ReluOp>([](auto) { return "relu"; })
      .Case<SigmoidOp>([](auto) { return "sigmoid"; })
      .Case<TanhOp>([](auto) { return "tanh"; })
      .Case<LeakyReluOp>([](auto) { return "leaky_relu"; })
      .Case<EluOp>([](auto) { return "elu"; })
      .Default([](auto) { return ""; });
}

/// The parameter that an op reads as its `weight`, if any.
FlatSymbolRefAttr weightOf(Operation *op) {
  return op ? op->getAttrOfType<FlatSymbolRefAttr>("weight") : nullptr;
}

std::string layerName(Value pre) {
  Operation *op = pre.getDefiningOp();
  if (!op)
    return "input";
  if (FlatSymbolRefAttr weight = weightOf(op)) {
    StringRef name = weight.getValue();
    name.consume_back(".weight");
    return name.str();
  }
  return op->getName().stripDialect().str();
}

int64_t numel(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}
} // namespace

nnc::Tape nnc::collectTape(func::FuncOp func) {
  Tape tape;
  auto add = [&](Value pre, Value post, StringRef kind,
                 bool preBeforeFusedActivation = false) {
    TapeLayer layer{layerName(pre), kind.str(), "-", pre, post,
                    preBeforeFusedActivation};
    Operation *producer = pre.getDefiningOp();
    if (isa_and_nonnull<DenseOp, Conv2dOp>(producer))
      if (FlatSymbolRefAttr weight = weightOf(producer))
        layer.weight = weight.getValue().str();
    layer.preOffset = tape.size;
    tape.size += numel(pre);
    if (post) {
      layer.postOffset = tape.size;
      tape.size += numel(post);
    }
    tape.layers.push_back(std::move(layer));
  };
  for (Operation &op : func.getBody().front()) {
    if (StringRef kind = activationKind(&op); !kind.empty())
      add(op.getOperand(0), op.getResult(0), kind);
    else if (auto fused = dyn_cast<BatchNormActOp>(op);
             fused && fused.getActivation())
      add(fused.getOutput(), fused.getOutput(),
          stringifyActivation(*fused.getActivation()),
          /*preBeforeFusedActivation=*/true);
    else if (isa<SoftmaxCrossEntropyOp, MseOp>(op))
      add(op.getOperand(0), nullptr, "output");
  }
  // Layers named after an op rather than a parameter (`add` in residual
  // networks) repeat: number those (add.1, add.2, ...) so every row of the
  // report and its JSON has its own name.
  llvm::StringMap<int> count, seen;
  for (const TapeLayer &layer : tape.layers)
    ++count[layer.name];
  for (TapeLayer &layer : tape.layers)
    if (count[layer.name] > 1)
      layer.name += "." + std::to_string(++seen[layer.name]);
  return tape;
}

void nnc::printTapeRecords(const Tape &tape, llvm::raw_ostream &os) {
  os << "tape_size " << tape.size << "\n";
  for (const TapeLayer &layer : tape.layers) {
    os << "layer " << layer.name << " " << layer.kind << " " << layer.weight
       << " " << layer.preOffset << " " << layer.postOffset << " ";
    llvm::interleave(cast<RankedTensorType>(layer.pre.getType()).getShape(),
                     os, ",");
    os << "\n";
  }
}
