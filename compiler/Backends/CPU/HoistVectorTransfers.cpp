//===- HoistVectorTransfers.cpp - keep accumulator tiles in registers -----===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUHOISTVECTORTRANSFERSPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUHoistVectorTransfersPass
    : nnc::cpu::impl::CPUHoistVectorTransfersPassBase<
          CPUHoistVectorTransfersPass> {
  void runOnOperation() override;
};
} // namespace

void CPUHoistVectorTransfersPass::runOnOperation() {
  func::FuncOp func = getOperation();
  MLIRContext *ctx = &getContext();

  // Transfers must index the function's memrefs directly (no subviews) and
  // their indices must be computed outside the loops, or the hoisting cannot
  // prove that a read and a write touch the same tile.
  RewritePatternSet patterns(ctx);
  memref::populateFoldMemRefAliasOpPatterns(patterns);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
    func.emitError("canonicalization before hoisting did not converge");
    return signalPassFailure();
  }
  func.walk([](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
  linalg::hoistRedundantVectorTransfers(func);
}
