//===- KernelUtils.cpp - helpers shared by the NVPTX loop passes ----------===//

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

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
  func.walk([&](func::ReturnOp ret) {
    rewriter.setInsertionPoint(ret);
    gpu::DeallocOp::create(rewriter, loc, /*asyncToken=*/Type(),
                           ValueRange(), buffer);
  });
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
