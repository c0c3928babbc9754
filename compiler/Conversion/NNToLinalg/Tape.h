//===- Tape.h - the layers that nnc_diagnose records ------------*- C++ -*-===//
//
// `./model diagnose` needs every layer's activations on a batch. A "layer"
// is the input of each activation op (its pre-activation) together with the
// op's result (post-activation), plus the network's output (the loss op's
// first operand, the logits). nnc_diagnose writes them one after another
// into a flat float buffer, the tape; the manifest's `layer` records say
// where each one is (docs/abi.md). A BatchNorm fused with its activation
// counts as that activation's layer.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_NNTOLINALG_TAPE_H
#define NNC_CONVERSION_NNTOLINALG_TAPE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace nnc {
struct TapeLayer {
  /// The parameter prefix of the op that produced the pre-activation
  /// ("fc1" for `nn.dense ... @fc1.weight`), else that op's name.
  std::string name;
  /// The activation ("relu", "tanh", ...) or "output" for the logits.
  std::string kind;
  /// The weight parameter whose scale sets this layer's variance directly
  /// (a dense/conv weight producing the pre-activation), or "-".
  std::string weight;
  mlir::Value pre, post; // post is null for the output
  /// `pre` is the result of an nn.batch_norm_act that applied the activation
  /// itself (nn-fuse-batchnorm): the pre-activation is that op again
  /// without its activation, which nnc_diagnose computes once more.
  bool preBeforeFusedActivation = false;
  int64_t preOffset = 0, postOffset = -1;
};

struct Tape {
  llvm::SmallVector<TapeLayer> layers;
  int64_t size = 0;
};

/// The layers of the nn-level function `func` (@gradient), in execution
/// order, laid out on the tape.
Tape collectTape(mlir::func::FuncOp func);

/// The manifest records `tape_size` and one `layer` per layer.
void printTapeRecords(const Tape &tape, llvm::raw_ostream &os);
} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_TAPE_H
