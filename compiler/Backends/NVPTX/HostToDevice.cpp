//===- HostToDevice.cpp - the host's memory accesses as GPU loops ---------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXHOSTTODEVICEPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXHostToDevicePass
    : nnc::nvptx::impl::NVPTXHostToDevicePassBase<NVPTXHostToDevicePass> {
  void runOnOperation() override;
};
} // namespace

/// Creates `scf.parallel (%i) = (0) to (1) step (1)` before `before` and
/// returns it; ops moved or created before its terminator run on one GPU
/// thread.
static scf::ParallelOp createSingleIteration(RewriterBase &rewriter,
                                             Operation *before) {
  Location loc = before->getLoc();
  rewriter.setInsertionPoint(before);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  return scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                 ValueRange{one}, ValueRange{one});
}

/// Runs `op` (without results) on one GPU thread.
static void wrap(RewriterBase &rewriter, Operation *op) {
  scf::ParallelOp loop = createSingleIteration(rewriter, op);
  rewriter.moveOpBefore(op, loop.getBody()->getTerminator());
}

/// Replaces a host load from device memory by a one-thread copy into a
/// one-element device buffer and a `gpu.memcpy` to the host.
static void transferToHost(RewriterBase &rewriter, memref::LoadOp load) {
  Location loc = load.getLoc();
  auto scalarType = MemRefType::get({}, load.getType());
  rewriter.setInsertionPoint(load);
  Value device =
      gpu::AllocOp::create(rewriter, loc, scalarType, /*asyncToken=*/Type(),
                           ValueRange(), ValueRange(), ValueRange(),
                           /*hostShared=*/false)
          .getMemref();
  scf::ParallelOp loop = createSingleIteration(rewriter, load);
  rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  Value value = memref::LoadOp::create(rewriter, loc, load.getMemRef(),
                                       load.getIndices());
  memref::StoreOp::create(rewriter, loc, value, device, ValueRange());

  rewriter.setInsertionPoint(load);
  Value host = memref::AllocaOp::create(rewriter, loc, scalarType);
  gpu::MemcpyOp::create(rewriter, loc, /*asyncToken=*/Type(), ValueRange(),
                        host, device);
  Value result = memref::LoadOp::create(rewriter, loc, host, ValueRange());
  gpu::DeallocOp::create(rewriter, loc, /*asyncToken=*/Type(), ValueRange(),
                         device);
  rewriter.replaceOp(load, result);
}

/// The buffer that `value` is a view of.
static Value getRootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// The arguments of the ABI functions that are host memory in GPU models
/// (docs/abi.md, "GPU models"): nnc_train_step's hyperparameters and
/// trainable flags, a few floats that the host code branches on (noise,
/// frozen tensors); on the device, each would cost a synchronous copy per
/// step.
static bool isHostArgument(Value buffer) {
  auto arg = dyn_cast<BlockArgument>(buffer);
  if (!arg)
    return false;
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  return func && func.getSymName() == "nnc_train_step" &&
         (arg.getArgNumber() == 3 || arg.getArgNumber() == 4);
}

static bool isHostMemory(Value buffer) {
  return isHostArgument(getRootBuffer(buffer));
}

/// Whether `op` reads or writes memory anywhere inside.
static bool accessesMemory(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        return isa<memref::LoadOp, memref::StoreOp>(nested)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Whether `op` may write memory (conservatively: anything that is not a
/// pure operation or a load).
static bool mayWrite(Operation *op) {
  return !isPure(op) && !isa<memref::LoadOp>(op);
}

/// A host load of what the host itself stored just before (no write in
/// between) takes the stored value: no round trip through the device.
static void forwardStores(RewriterBase &rewriter, Block &block) {
  for (auto load : llvm::make_early_inc_range(block.getOps<memref::LoadOp>())) {
    for (Operation *op = load->getPrevNode(); op; op = op->getPrevNode()) {
      auto store = dyn_cast<memref::StoreOp>(op);
      if (store && store.getMemRef() == load.getMemRef() &&
          llvm::equal(store.getIndices(), load.getIndices())) {
        rewriter.replaceOp(load, store.getValueToStore());
        break;
      }
      if (mayWrite(op))
        break;
    }
  }
}

/// A host load whose value is only stored, once, with nothing in between
/// that may write memory (a scalar copy between device buffers, as
/// bufferization makes for 0-d tensors): both run on one GPU thread
/// instead of a copy to the host and a kernel.
static void fuseScalarCopies(RewriterBase &rewriter, Block &block) {
  for (auto load : llvm::make_early_inc_range(block.getOps<memref::LoadOp>())) {
    if (!load->hasOneUse() || isHostMemory(load.getMemRef()))
      continue;
    auto store = dyn_cast<memref::StoreOp>(*load->user_begin());
    if (!store || store->getBlock() != &block ||
        store.getValueToStore() != load.getResult())
      continue;
    bool clean = true;
    for (Operation *op = load->getNextNode(); op != store; op = op->getNextNode())
      clean &= !mayWrite(op);
    if (!clean)
      continue;
    scf::ParallelOp loop = createSingleIteration(rewriter, store);
    rewriter.moveOpBefore(load, loop.getBody()->getTerminator());
    rewriter.moveOpBefore(store, loop.getBody()->getTerminator());
  }
}

/// Moves the memory accesses of the host code in `block` to the GPU,
/// recursing into host-side control flow.
static LogicalResult moveToDevice(RewriterBase &rewriter, Block &block) {
  forwardStores(rewriter, block);
  fuseScalarCopies(rewriter, block);
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (isa<scf::ParallelOp>(op))
      continue;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (!isHostMemory(load.getMemRef()))
        transferToHost(rewriter, load);
    } else if (isa<memref::StoreOp>(op)) {
      wrap(rewriter, &op);
    } else if (isa<scf::ForOp>(op) && accessesMemory(&op)) {
      if (op.getNumResults() != 0)
        return op.emitOpError("yields values: the NVPTX backend cannot run "
                              "this loop on one GPU thread");
      wrap(rewriter, &op);
    } else {
      for (Region &region : op.getRegions())
        for (Block &nested : region)
          if (failed(moveToDevice(rewriter, nested)))
            return failure();
    }
  }
  return success();
}

void NVPTXHostToDevicePass::runOnOperation() {
  func::FuncOp func = getOperation();
  IRRewriter rewriter(&getContext());
  for (Block &block : func.getBody())
    if (failed(moveToDevice(rewriter, block)))
      return signalPassFailure();
  // Kernels (including the loops wrapped above) cannot read host memory.
  WalkResult hostInKernel = func.walk([](scf::ParallelOp loop) {
    WalkResult found = loop.getBody()->walk([](Operation *op) {
      for (Value operand : op->getOperands())
        if (isa<MemRefType>(operand.getType()) && isHostMemory(operand)) {
          op->emitOpError("reads host memory (a hyperparameter or trainable "
                          "flag) inside a GPU kernel");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    return found.wasInterrupted() ? WalkResult::interrupt()
                                  : WalkResult::skip();
  });
  if (hostInKernel.wasInterrupted())
    return signalPassFailure();
}
