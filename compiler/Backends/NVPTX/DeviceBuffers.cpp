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
/// Whether `copy` copies a temporary that nothing uses after it (nor
/// through an alias) into an argument of `func` that nothing else uses: the
/// temporary can be the argument (arguments never overlap, docs/abi.md).
/// (The training step's metrics are built in a temporary, by bufferization
/// of tensor.from_elements, and copied out: a kernel of its own on the GPU.)
bool copiesTemporaryToArgument(func::FuncOp func, memref::CopyOp copy) {
  auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
  auto argument = dyn_cast<BlockArgument>(copy.getTarget());
  Block &body = func.front();
  if (!alloc || !argument || argument.getOwner() != &body ||
      copy->getBlock() != &body || alloc->getBlock() != &body ||
      alloc.getType() != argument.getType() || !argument.hasOneUse())
    return false;
  // Every use before the copy; none through an alias (a subview written
  // after the copy would write the argument).
  return llvm::all_of(alloc->getUsers(), [&](Operation *user) {
    Operation *inBody = body.findAncestorOpInBlock(*user);
    bool aliases = llvm::any_of(user->getResultTypes(), [](Type type) {
      return isa<BaseMemRefType>(type);
    });
    return user == copy || isa<memref::DeallocOp>(user) ||
           (!aliases && inBody && inBody->isBeforeInBlock(copy));
  });
}
} // namespace

void NVPTXDeviceBuffersPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  IRRewriter rewriter(&getContext());

  SmallVector<memref::CopyOp> forwarded;
  func.walk([&](memref::CopyOp copy) {
    if (copiesTemporaryToArgument(func, copy))
      forwarded.push_back(copy);
  });
  for (memref::CopyOp copy : forwarded) {
    Operation *alloc = copy.getSource().getDefiningOp();
    Value argument = copy.getTarget();
    rewriter.eraseOp(copy);
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        rewriter.eraseOp(user);
    rewriter.replaceOp(alloc, argument);
  }

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
