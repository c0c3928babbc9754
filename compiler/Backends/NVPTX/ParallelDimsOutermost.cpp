//===- ParallelDimsOutermost.cpp - reduction loops inside parallel ones ---===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXPARALLELDIMSOUTERMOSTPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXParallelDimsOutermostPass
    : nnc::nvptx::impl::NVPTXParallelDimsOutermostPassBase<
          NVPTXParallelDimsOutermostPass> {
  void runOnOperation() override;
};
} // namespace

/// The loop order with the parallel dimensions first, each group in its
/// original order; empty when it is already so.
static SmallVector<unsigned> getParallelFirstOrder(linalg::GenericOp op) {
  SmallVector<unsigned> parallel, reduction;
  for (auto [dim, type] : llvm::enumerate(op.getIteratorTypesArray()))
    (type == utils::IteratorType::parallel ? parallel : reduction)
        .push_back(dim);
  SmallVector<unsigned> order = parallel;
  llvm::append_range(order, reduction);
  if (llvm::equal(order, llvm::seq<unsigned>(0, order.size())))
    return {};
  return order;
}

void NVPTXParallelDimsOutermostPass::runOnOperation() {
  IRRewriter rewriter(&getContext());
  SmallVector<linalg::GenericOp> generics;
  getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
  for (linalg::GenericOp op : generics) {
    SmallVector<unsigned> order = getParallelFirstOrder(op);
    if (order.empty())
      continue;
    rewriter.setInsertionPoint(op);
    if (failed(linalg::interchangeGenericOp(rewriter, op, order))) {
      op.emitOpError("could not be interchanged");
      return signalPassFailure();
    }
  }
}
