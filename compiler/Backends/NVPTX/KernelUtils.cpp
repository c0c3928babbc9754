//===- KernelUtils.cpp - helpers shared by the NVPTX loop passes ----------===//

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;
using nnc::nvptx::getRootBuffer;

/// Iterations from lower to upper by step, all constants; null otherwise or
/// for a step that is not positive.
static std::optional<int64_t> getConstantTripCount(Value lower, Value upper,
                                                   Value step) {
  std::optional<int64_t> lb = getConstantIntValue(lower);
  std::optional<int64_t> ub = getConstantIntValue(upper);
  std::optional<int64_t> by = getConstantIntValue(step);
  if (!lb || !ub || !by || *by <= 0)
    return std::nullopt;
  return llvm::divideCeil(std::max<int64_t>(0, *ub - *lb), *by);
}

std::optional<SmallVector<int64_t>>
nnc::nvptx::getTripCounts(scf::ParallelOp loop) {
  SmallVector<int64_t> trips;
  for (auto [lower, upper, step] : llvm::zip(
           loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> count = getConstantTripCount(lower, upper, step);
    if (!count)
      return std::nullopt;
    trips.push_back(*count);
  }
  return trips;
}

std::optional<int64_t> nnc::nvptx::getThreadCount(scf::ParallelOp loop) {
  std::optional<SmallVector<int64_t>> trips = getTripCounts(loop);
  if (!trips)
    return std::nullopt;
  int64_t threads = 1;
  for (int64_t count : *trips)
    threads *= count;
  return threads;
}

std::optional<int64_t> nnc::nvptx::getTripCount(scf::ForOp loop) {
  return getConstantTripCount(loop.getLowerBound(), loop.getUpperBound(),
                              loop.getStep());
}

Value nnc::nvptx::allocateOnDevice(OpBuilder &builder, Location loc,
                                   MemRefType type) {
  return gpu::AllocOp::create(builder, loc, type, /*asyncToken=*/Type(),
                              /*asyncDependencies=*/ValueRange(),
                              /*dynamicSizes=*/ValueRange(),
                              /*symbolOperands=*/ValueRange(),
                              /*hostShared=*/false)
      .getMemref();
}

Value nnc::nvptx::allocateForFunction(RewriterBase &rewriter,
                                      func::FuncOp func, MemRefType type,
                                      Location loc) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&func.getBody().front());
  Value buffer = allocateOnDevice(rewriter, loc, type);
  // func.return ends blocks of the function's own region only: no walk
  // through the body (once per allocation, it was quadratic).
  for (Block &block : func.getBody()) {
    auto ret = dyn_cast<func::ReturnOp>(block.getTerminator());
    if (!ret)
      continue;
    rewriter.setInsertionPoint(ret);
    gpu::DeallocOp::create(rewriter, loc, /*asyncToken=*/Type(),
                           ValueRange(), buffer);
  }
  return buffer;
}

Value nnc::nvptx::getRootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

scf::ParallelOp nnc::nvptx::linearize(RewriterBase &rewriter,
                                      scf::ParallelOp loop,
                                      ArrayRef<int64_t> trips) {
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  int64_t total = 1;
  for (int64_t count : trips)
    total *= count;
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value upper = arith::ConstantIndexOp::create(rewriter, loc, total);
  auto flat = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                      ValueRange{upper}, ValueRange{one});
  Block *body = flat.getBody();
  rewriter.setInsertionPointToStart(body);
  SmallVector<OpFoldResult> basis;
  for (int64_t count : trips)
    basis.push_back(rewriter.getIndexAttr(count));
  auto split = affine::AffineDelinearizeIndexOp::create(
      rewriter, loc, flat.getInductionVars()[0], basis, /*hasOuterBound=*/true);
  for (auto [iv, index, lower, step] :
       llvm::zip(loop.getInductionVars(), split.getResults(),
                 loop.getLowerBound(), loop.getStep())) {
    Value scaled = arith::MulIOp::create(rewriter, loc, index, step);
    iv.replaceAllUsesWith(arith::AddIOp::create(rewriter, loc, lower, scaled));
  }
  Operation *terminator = body->getTerminator();
  for (Operation &op :
       llvm::make_early_inc_range(loop.getBody()->without_terminator()))
    op.moveBefore(terminator);
  rewriter.eraseOp(loop);
  return flat;
}

Operation *nnc::nvptx::getKernel(Operation *op) {
  Operation *kernel = nullptr;
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    if (isa<scf::ParallelOp, gpu::LaunchOp>(parent))
      kernel = parent;
  return kernel;
}

int64_t nnc::nvptx::parameterBytes(int64_t parameters) {
  return 8 * parameters;
}

int64_t nnc::nvptx::parameterBytes(TypeRange types) {
  int64_t bytes = 0;
  for (Type type : types) {
    int64_t size = 8;
    if (type.isIntOrFloat())
      size = llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
    bytes = llvm::alignTo(bytes, size) + size;
  }
  return bytes;
}

bool nnc::nvptx::parametersFit(const llvm::SetVector<Value> &a,
                               const llvm::SetVector<Value> &b) {
  int64_t count = a.size() + llvm::count_if(b, [&](Value value) {
                    return !a.contains(value);
                  });
  return parameterBytes(count) <= kMaxKernelParameterBytes;
}

llvm::SetVector<Value> nnc::nvptx::getKernelParameters(Operation *kernel) {
  llvm::SetVector<Value> used;
  for (Region &region : kernel->getRegions())
    getUsedValuesDefinedAbove(region, used);
  return llvm::SetVector<Value>(llvm::from_range,
                                llvm::make_filter_range(used, [](Value value) {
                                  Operation *def = value.getDefiningOp();
                                  return !def ||
                                         !def->hasTrait<OpTrait::ConstantLike>();
                                }));
}

/// The buffer under `view` and the elements of it that `view` covers: a
/// static unit-stride subview of a one-dimensional buffer (a tensor of the
/// state), possibly reshaped; the whole buffer for anything else.
static nnc::nvptx::BufferAccess getAccess(Value view, bool write) {
  constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
  nnc::nvptx::BufferAccess whole{getRootBuffer(view), 0, kAll, write};
  nnc::nvptx::BufferAccess access{view, 0, kAll, write};
  bool ranged = false;
  while (Operation *def = view.getDefiningOp()) {
    if (auto subview = dyn_cast<memref::SubViewOp>(def)) {
      auto source = subview.getSourceType();
      if (ranged || source.getRank() != 1 || !source.hasStaticShape() ||
          !subview.hasUnitStride() || !subview.getType().hasStaticShape())
        return whole;
      std::optional<int64_t> offset =
          getConstantIntValue(subview.getMixedOffsets()[0]);
      if (!offset)
        return whole;
      access.begin = *offset;
      access.end = *offset + subview.getType().getNumElements();
      ranged = true;
      view = subview.getSource();
    } else if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def)) {
      view = def->getOperand(0);
    } else if (isa<ViewLikeOpInterface>(def)) {
      // Another view (a transpose, a cast): the whole buffer.
      return whole;
    } else {
      break;
    }
  }
  access.root = view;
  return access;
}

bool nnc::nvptx::collectAccesses(Operation *op,
                                  SmallVectorImpl<BufferAccess> &out) {
  WalkResult walk = op->walk([&](Operation *nested) {
    if (auto load = dyn_cast<memref::LoadOp>(nested)) {
      out.push_back(getAccess(load.getMemRef(), /*write=*/false));
      return WalkResult::advance();
    }
    if (auto store = dyn_cast<memref::StoreOp>(nested)) {
      out.push_back(getAccess(store.getMemRef(), /*write=*/true));
      return WalkResult::advance();
    }
    // A launch (a tiled matmul) accesses what its body does; its barriers
    // order only its own threads, and its tensor-core multiplies and TF32
    // roundings work on registers.
    if (isa<gpu::LaunchOp, gpu::BarrierOp, gpu::TerminatorOp, NVVM::MmaOp,
            NVVM::ConvertFloatToTF32Op>(nested) ||
        isPure(nested))
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!effects)
      return nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>()
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &effect : instances) {
      if (isa<MemoryEffects::Allocate>(effect.getEffect()))
        continue;
      Value value = effect.getValue();
      if (!value)
        return WalkResult::interrupt();
      out.push_back(getAccess(value, !isa<MemoryEffects::Read>(
                                         effect.getEffect())));
    }
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

bool nnc::nvptx::conflict(ArrayRef<BufferAccess> a,
                          ArrayRef<BufferAccess> b) {
  for (const BufferAccess &x : a)
    for (const BufferAccess &y : b)
      if ((x.write || y.write) && x.root == y.root && x.begin < y.end &&
          y.begin < x.end)
        return true;
  return false;
}
