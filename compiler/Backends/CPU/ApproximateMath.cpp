//===- ApproximateMath.cpp - vectorizable f32 transcendental functions ----===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUAPPROXIMATEMATHPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUApproximateMathPass
    : nnc::cpu::impl::CPUApproximateMathPassBase<CPUApproximateMathPass> {
  void runOnOperation() override {
    auto approximated = [](StringRef name) {
      return llvm::is_contained({math::ExpOp::getOperationName(),
                                 math::ExpM1Op::getOperationName(),
                                 math::LogOp::getOperationName(),
                                 math::Log1pOp::getOperationName(),
                                 math::Log2Op::getOperationName(),
                                 math::TanhOp::getOperationName(),
                                 math::ErfOp::getOperationName()},
                                name);
    };
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
