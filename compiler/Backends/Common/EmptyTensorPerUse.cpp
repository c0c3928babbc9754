//===- EmptyTensorPerUse.cpp - one tensor.empty for each of its uses ------===//
//
// CSE merges equal `tensor.empty` ops, so every layer's matmul of one shape
// starts from the same value. One-Shot Bufferize then sees all those ops
// write into one alias set and checks each pair of them for conflicts: the
// time grows with the square of the depth and more (40 BatchNorm layers:
// 3 s each in empty-tensor elimination and bufferization on the CPU). An
// empty tensor has no contents, so giving each use its own changes nothing
// else.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backends/Common/Passes.h"

namespace nnc {
#define GEN_PASS_DEF_EMPTYTENSORPERUSEPASS
#include "compiler/Backends/Common/Passes.h.inc"
} // namespace nnc

using namespace mlir;

namespace {
struct EmptyTensorPerUsePass
    : nnc::impl::EmptyTensorPerUsePassBase<EmptyTensorPerUsePass> {
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation().walk([&](tensor::EmptyOp op) {
      if (!op->hasOneUse() && !op->use_empty())
        shared.push_back(op);
    });
    // Each use gets a clone right before its user, which keeps the loop
    // nesting of the uses.
    for (tensor::EmptyOp empty : shared) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : empty->getUses())
        uses.push_back(&use);
      for (OpOperand *use : uses) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*empty)->getResult(0));
      }
      empty->erase();
    }
  }
};
} // namespace
