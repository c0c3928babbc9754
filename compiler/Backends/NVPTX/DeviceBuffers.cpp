//===- DeviceBuffers.cpp - temporaries in GPU memory ----------------------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXDEVICEBUFFERSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXDeviceBuffersPass
    : nnc::nvptx::impl::NVPTXDeviceBuffersPassBase<NVPTXDeviceBuffersPass> {
  void runOnOperation() override;
};
} // namespace

void NVPTXDeviceBuffersPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  IRRewriter rewriter(&getContext());

  SmallVector<memref::AllocOp> allocs;
  WalkResult walk = func.walk([&](memref::AllocOp alloc) {
    // A dynamic size would need its operands hoisted too; nn models have
    // static shapes only.
    if (!alloc.getType().hasStaticShape()) {
      alloc.emitOpError("has a dynamic shape, which the NVPTX backend does "
                        "not support");
      return WalkResult::interrupt();
    }
    if (alloc->getParentOfType<LoopLikeOpInterface>()) {
      alloc.emitOpError("inside a loop: the NVPTX backend allocates device "
                        "buffers once per call");
      return WalkResult::interrupt();
    }
    allocs.push_back(alloc);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();

  for (memref::AllocOp alloc : allocs) {
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        rewriter.eraseOp(user);
    rewriter.replaceOp(alloc, nnc::nvptx::allocateForFunction(
                                  rewriter, func, alloc.getType(),
                                  alloc.getLoc()));
  }

  func.walk([&](memref::CopyOp copy) {
    rewriter.setInsertionPoint(copy);
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
  });
}
