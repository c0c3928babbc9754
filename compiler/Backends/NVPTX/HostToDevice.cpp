//===- HostToDevice.cpp - the host's memory accesses as GPU loops ---------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXHOSTTODEVICEPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;
using nnc::nvptx::getRootBuffer;

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
  Value device = nnc::nvptx::allocateOnDevice(rewriter, loc, scalarType);
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

/// Whether `op` (or anything inside) may write or free memory rooted at
/// `root`; unknown effects count as writes.
static bool writesBuffer(Operation *op, Value root) {
  SmallVector<nnc::nvptx::BufferAccess> accesses;
  if (!nnc::nvptx::collectAccesses(op, accesses))
    return true;
  return llvm::any_of(accesses, [&](const nnc::nvptx::BufferAccess &access) {
    return access.write && access.root == root;
  });
}

/// Clones the computation of `value` (device loads and pure operations in
/// `scalars`) at the builder's insertion point; other values are the host's
/// and are used as they are.
static Value rematerialize(OpBuilder &b, Value value,
                           const DenseSet<Operation *> &scalars,
                           IRMapping &mapping,
                           const DenseMap<Value, Value> &spilled) {
  Operation *def = value.getDefiningOp();
  if (!def || !scalars.contains(def))
    return value;
  if (Value mapped = mapping.lookupOrNull(value))
    return mapped;
  if (Value buffer = spilled.lookup(value)) {
    Value loaded =
        memref::LoadOp::create(b, value.getLoc(), buffer, ValueRange());
    mapping.map(value, loaded);
    return loaded;
  }
  for (Value operand : def->getOperands())
    rematerialize(b, operand, scalars, mapping, spilled);
  b.clone(*def, mapping);
  return mapping.lookup(value);
}

/// Kernels recompute a scalar that takes at most this many device loads.
static constexpr int64_t kMaxRecomputedLoads = 8;

/// Device loads in the computation of `value` (each counted once).
static int64_t countLoads(Value value, const DenseSet<Operation *> &scalars) {
  DenseSet<Operation *> seen;
  SmallVector<Value> worklist{value};
  int64_t loads = 0;
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || !scalars.contains(def) || !seen.insert(def).second)
      continue;
    loads += isa<memref::LoadOp>(def);
    llvm::append_range(worklist, def->getOperands());
  }
  return loads;
}

/// Parameters of a one-thread kernel that computes a spilled value: one is
/// the buffer it stores to.
static const int64_t kMaxSpillInputs =
    nnc::nvptx::kMaxKernelParameterBytes / nnc::nvptx::parameterBytes(1) - 1;

/// The values from the host that computing `value` on the GPU takes as
/// kernel parameters: the buffers it loads, host values, and the buffer of
/// each spilled value it uses (constants are sunk into kernels).
static int64_t countInputs(Value value, const DenseSet<Operation *> &scalars,
                           const DenseMap<Value, Value> &spilled) {
  DenseSet<Operation *> seen;
  DenseSet<Value> inputs;
  SmallVector<Value> worklist{value};
  while (!worklist.empty()) {
    Value next = worklist.pop_back_val();
    Operation *def = next.getDefiningOp();
    if (spilled.count(next) || !def || !scalars.contains(def)) {
      if (!def || !def->hasTrait<OpTrait::ConstantLike>())
        inputs.insert(next);
      continue;
    }
    if (!seen.insert(def).second)
      continue;
    for (Value operand : def->getOperands())
      worklist.push_back(operand);
  }
  return inputs.size();
}

/// For a value that takes more than kMaxRecomputedLoads loads, the one to
/// compute once: following the operand that takes all its loads down while
/// the others take none (lr·scale·mask_t for tensor t, the mask being host
/// memory, leads to the scale, then to the sum of the squared norms), the
/// value where that stops, which the values of all tensors share. The sum
/// stops it: its last term takes a load of its own. (Going further down
/// the chain of partial sums left every kernel adding up all but the first
/// 9 norms: quadratic PTX in the depth of a model.) Null when the value is
/// cheap.
static Value getSharedExpensiveValue(Value value,
                                     const DenseSet<Operation *> &scalars) {
  int64_t loads = countLoads(value, scalars);
  if (loads <= kMaxRecomputedLoads)
    return nullptr;
  while (true) {
    Value next;
    for (Value operand : value.getDefiningOp()->getOperands()) {
      int64_t operandLoads = countLoads(operand, scalars);
      if (operandLoads == 0)
        continue;
      if (next || operandLoads != loads)
        return value;
      next = operand;
    }
    if (!next)
      return value;
    value = next;
  }
}

/// Scalars that the host would compute from device memory (the gradient
/// norms, then the clipping scale) although only kernels and device stores
/// use them: each such kernel recomputes them itself (a few loads that all
/// its threads share), each store runs on one GPU thread with the
/// computation, and the host never waits for the device. All or nothing per
/// block: when the host needs one of them (a branch), or a buffer they read
/// is written before a use, the block keeps copies to the host.
static void keepScalarsOnDevice(RewriterBase &rewriter, Block &block) {
  DenseSet<Operation *> scalars;
  SmallVector<Operation *> worklist;
  for (auto load : block.getOps<memref::LoadOp>())
    if (!isHostMemory(load.getMemRef()) && scalars.insert(load).second)
      worklist.push_back(load);
  llvm::SetVector<Operation *> kernels, stores;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    for (Operation *user : op->getUsers()) {
      if (Operation *kernel = nnc::nvptx::getKernel(user)) {
        kernels.insert(kernel);
      } else if (auto store = dyn_cast<memref::StoreOp>(user)) {
        if (llvm::is_contained(store.getIndices(), op->getResult(0)) ||
            isHostMemory(store.getMemRef()))
          return;
        stores.insert(store);
      } else if (isPure(user) && user->getNumRegions() == 0 &&
                 user->getNumResults() == 1) {
        if (scalars.insert(user).second)
          worklist.push_back(user);
      } else {
        return; // The host needs the value.
      }
    }
  }
  // Each device load must read the same value where it is recomputed: no
  // sink that uses it at or after the first operation that may write its
  // buffer.
  DenseMap<Operation *, Operation *> firstWriter;
  for (auto load : block.getOps<memref::LoadOp>()) {
    if (!scalars.contains(load))
      continue;
    Value root = getRootBuffer(load.getMemRef());
    Operation *writer = load->getNextNode();
    while (writer && !writesBuffer(writer, root))
      writer = writer->getNextNode();
    if (writer)
      firstWriter[load] = writer;
  }
  auto isScalar = [&](OpOperand &use) {
    Operation *def = use.get().getDefiningOp();
    return def && scalars.contains(def);
  };
  for (Operation *sink : llvm::concat<Operation *const>(kernels, stores)) {
    Operation *position = block.findAncestorOpInBlock(*sink);
    SmallVector<Operation *> uses;
    sink->walk([&](Operation *op) {
      for (OpOperand &use : op->getOpOperands())
        if (isScalar(use))
          uses.push_back(use.get().getDefiningOp());
    });
    DenseSet<Operation *> seen;
    while (!uses.empty()) {
      Operation *def = uses.pop_back_val();
      if (!seen.insert(def).second)
        continue;
      Operation *writer = firstWriter.lookup(def);
      if (writer && !position->isBeforeInBlock(writer))
        return;
      for (OpOperand &operand : def->getOpOperands())
        if (isScalar(operand))
          uses.push_back(operand.get().getDefiningOp());
    }
  }

  // A value that takes many loads (a global norm over many tensors) is
  // computed once, by one thread right where the host computed it, into a
  // device scalar that the kernels read; the rest is recomputed by each
  // kernel that uses it.
  DenseMap<Value, Value> spilled;
  auto spill = [&](Value value) {
    Location loc = value.getLoc();
    Value buffer = nnc::nvptx::allocateForFunction(
        rewriter, cast<func::FuncOp>(block.getParentOp()),
        MemRefType::get({}, value.getType()), loc);
    scf::ParallelOp once =
        createSingleIteration(rewriter, value.getDefiningOp()->getNextNode());
    OpBuilder b(once.getBody()->getTerminator());
    IRMapping mapping;
    memref::StoreOp::create(
        b, loc, rematerialize(b, value, scalars, mapping, spilled), buffer,
        ValueRange());
    spilled[value] = buffer;
  };
  // A part of `value` worth computing first: `value` itself when its kernel
  // takes few enough parameters, else the operand with the most inputs,
  // down to one that does.
  auto firstPart = [&](Value value) {
    while (countInputs(value, scalars, spilled) > kMaxSpillInputs) {
      Value largest;
      int64_t most = 0;
      for (Value operand : value.getDefiningOp()->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || !scalars.contains(def) || def->getBlock() != &block ||
            spilled.count(operand))
          continue;
        int64_t inputs = countInputs(operand, scalars, spilled);
        if (inputs > most) {
          most = inputs;
          largest = operand;
        }
      }
      if (!largest)
        break; // One operation with too many inputs: as it is.
      value = largest;
    }
    return value;
  };
  for (Operation *kernel : kernels) {
    kernel->walk([&](Operation *op) {
      for (OpOperand &use : op->getOpOperands()) {
        if (!isScalar(use) || kernel->isAncestor(use.get().getDefiningOp()))
          continue;
        Value value = getSharedExpensiveValue(use.get(), scalars);
        if (!value || value.getDefiningOp()->getBlock() != &block ||
            spilled.count(value))
          continue;
        // A sum over more tensors than a kernel takes parameters (a model
        // of 60 BatchNorm layers) is computed in parts, each one-thread
        // kernel adding on to the previous part.
        for (Value part = firstPart(value); part != value;
             part = firstPart(value))
          spill(part);
        spill(value);
      }
    });
  }
  for (Operation *kernel : kernels) {
    Block &body = kernel->getRegion(0).front();
    IRMapping mapping;
    OpBuilder b = OpBuilder::atBlockBegin(&body);
    body.walk([&](Operation *op) {
      for (OpOperand &use : op->getOpOperands())
        if (isScalar(use) && !kernel->isAncestor(use.get().getDefiningOp()))
          use.set(rematerialize(b, use.get(), scalars, mapping, spilled));
    });
  }
  for (Operation *op : stores) {
    auto store = cast<memref::StoreOp>(op);
    scf::ParallelOp loop = createSingleIteration(rewriter, store);
    rewriter.moveOpBefore(store, loop.getBody()->getTerminator());
    IRMapping mapping;
    OpBuilder b(store);
    store->setOperand(0, rematerialize(b, store.getValueToStore(), scalars,
                                       mapping, spilled));
  }
  // The host's copies are dead now.
  SmallVector<Operation *> dead(scalars.begin(), scalars.end());
  while (!dead.empty()) {
    size_t before = dead.size();
    llvm::erase_if(dead, [&](Operation *op) {
      if (!op->use_empty())
        return false;
      rewriter.eraseOp(op);
      return true;
    });
    if (dead.size() == before)
      break;
  }
}

/// Loads of the host-memory arguments (hyperparameters, trainable flags) at
/// constant indices move to the start of the function: read after kernels
/// were launched, each would make the host wait for them (gpu-async-region
/// cannot tell host memory from device memory). Nothing writes them.
static void hoistHostArgumentLoads(RewriterBase &rewriter, Block &entry) {
  Operation *after = nullptr;
  for (auto load : llvm::make_early_inc_range(entry.getOps<memref::LoadOp>())) {
    if (!isa<BlockArgument>(load.getMemRef()) ||
        !isHostArgument(load.getMemRef()) ||
        !llvm::all_of(load.getIndices(), [](Value index) {
          return index.getDefiningOp<arith::ConstantOp>();
        }))
      continue;
    if (after)
      rewriter.setInsertionPointAfter(after);
    else
      rewriter.setInsertionPointToStart(&entry);
    SmallVector<Value> indices;
    for (Value index : load.getIndices())
      indices.push_back(rewriter.clone(*index.getDefiningOp())->getResult(0));
    auto hoisted = memref::LoadOp::create(rewriter, load.getLoc(),
                                          load.getMemRef(), indices);
    rewriter.replaceOp(load, hoisted.getResult());
    after = hoisted;
  }
}

/// Moves the memory accesses of the host code in `block` to the GPU,
/// recursing into host-side control flow.
static LogicalResult moveToDevice(RewriterBase &rewriter, Block &block) {
  forwardStores(rewriter, block);
  fuseScalarCopies(rewriter, block);
  for (Operation &op : llvm::make_early_inc_range(block)) {
    // Kernels already (nnc-nvptx-tile-matmuls makes some before this pass).
    if (isa<scf::ParallelOp, gpu::LaunchOp>(op))
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
  for (Block &block : func.getBody()) {
    forwardStores(rewriter, block);
    fuseScalarCopies(rewriter, block);
    keepScalarsOnDevice(rewriter, block);
  }
  for (Block &block : func.getBody())
    if (failed(moveToDevice(rewriter, block)))
      return signalPassFailure();
  if (!func.getBody().empty())
    hoistHostArgumentLoads(rewriter, func.getBody().front());
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
