//===- OutlineParallel.cpp - scf.forall on buffers to nnrt_parallel_for ---===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUOUTLINEPARALLELPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUOutlineParallelPass
    : nnc::cpu::impl::CPUOutlineParallelPassBase<CPUOutlineParallelPass> {
  void runOnOperation() override;
};
} // namespace

/// The runtime's entry point (runtime/include/nnrt/nnrt.h).
static constexpr llvm::StringLiteral kParallelFor = "nnrt_parallel_for";

/// Values that the outlined body recomputes instead of receiving them:
/// constants and the addresses of static buffers.
static bool isRematerializable(Value value) {
  Operation *op = value.getDefiningOp();
  return op && op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         (isa<memref::GetGlobalOp>(op) || isMemoryEffectFree(op));
}

/// `fn(ctx, begin, end)`, the type of a loop body of nnrt_parallel_for.
static FunctionType getBodyType(MLIRContext *ctx) {
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);
  return FunctionType::get(ctx, {ptr, i64, i64}, {});
}

/// Declares nnrt_parallel_for in `module` unless it is there.
static void declareParallelFor(ModuleOp module, SymbolTable &symbols) {
  if (symbols.lookup(kParallelFor))
    return;
  MLIRContext *ctx = module.getContext();
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto type = FunctionType::get(
      ctx,
      {getBodyType(ctx), LLVM::LLVMPointerType::get(ctx),
       IntegerType::get(ctx, 64)},
      {});
  auto decl =
      func::FuncOp::create(builder, module.getLoc(), kParallelFor, type);
  decl.setPrivate();
  symbols.insert(decl);
}

/// A one-dimensional forall with constant bounds: lb + k·step for k in
/// [0, count).
struct LoopSpace {
  int64_t lowerBound, step, count;
};

static std::optional<LoopSpace> getLoopSpace(scf::ForallOp forall) {
  if (forall.getRank() != 1)
    return std::nullopt;
  std::optional<int64_t> lb = getConstantIntValue(forall.getMixedLowerBound()[0]);
  std::optional<int64_t> ub = getConstantIntValue(forall.getMixedUpperBound()[0]);
  std::optional<int64_t> step = getConstantIntValue(forall.getMixedStep()[0]);
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return LoopSpace{*lb, *step, *ub > *lb ? (*ub - *lb + *step - 1) / *step : 0};
}

/// Casts between a captured value's type and its LLVM form (a memref's is
/// its descriptor); reconcile-unrealized-casts removes the pairs once both
/// sides are lowered.
static Value castTo(OpBuilder &builder, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return UnrealizedConversionCastOp::create(builder, loc, type, value)
      .getResult(0);
}

/// The address of field `index` of the ctx struct at `ctx`.
static Value getFieldAddress(OpBuilder &builder, Location loc,
                             LLVM::LLVMStructType ctxType, Value ctx,
                             size_t index) {
  return LLVM::GEPOp::create(
      builder, loc, LLVM::LLVMPointerType::get(builder.getContext()), ctxType,
      ctx, ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(index)});
}

/// Moves the body of `forall` into a new function `fn(ctx, begin, end)`
/// that runs iterations [begin, end), and replaces the loop by a call of
/// nnrt_parallel_for. Values from above reach the function through `ctx`,
/// a stack struct of the caller holding them in their LLVM form.
static void outline(scf::ForallOp forall, LoopSpace space,
                    SymbolTable &symbols, const LLVMTypeConverter &converter) {
  MLIRContext *ctx = forall.getContext();
  Location loc = forall.getLoc();
  auto caller = forall->getParentOfType<func::FuncOp>();

  SetVector<Value> above;
  getUsedValuesDefinedAbove(forall.getRegion(), above);
  SmallVector<Value> captured, rematerialized;
  for (Value value : above)
    (isRematerializable(value) ? rematerialized : captured).push_back(value);
  SmallVector<Type> fields;
  for (Value value : captured)
    fields.push_back(converter.convertType(value.getType()));
  auto ctxType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);

  // The body: unpack ctx, recompute constants, loop over [begin, end).
  OpBuilder builder(caller);
  auto body = func::FuncOp::create(
      builder, loc, (caller.getSymName() + "_parallel").str(),
      getBodyType(ctx));
  body.setPrivate();
  // Private to the object, as the symbol is to the module.
  body->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  symbols.insert(body);
  Block *entry = body.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  IRMapping mapping;
  for (auto [index, value] : llvm::enumerate(captured)) {
    Value field =
        getFieldAddress(builder, loc, ctxType, entry->getArgument(0), index);
    Value loaded = LLVM::LoadOp::create(builder, loc, fields[index], field);
    mapping.map(value, castTo(builder, loc, loaded, value.getType()));
  }
  for (Value value : rematerialized)
    builder.clone(*value.getDefiningOp(), mapping);
  Type indexType = builder.getIndexType();
  Value begin = arith::IndexCastOp::create(builder, loc, indexType,
                                           entry->getArgument(1));
  Value end = arith::IndexCastOp::create(builder, loc, indexType,
                                         entry->getArgument(2));
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  auto loop = scf::ForOp::create(builder, loc, begin, end, one);
  func::ReturnOp::create(builder, loc);

  builder.setInsertionPointToStart(loop.getBody());
  AffineExpr k = builder.getAffineDimExpr(0);
  Value iv = affine::AffineApplyOp::create(
      builder, loc, k * space.step + space.lowerBound,
      ValueRange{loop.getInductionVar()});
  mapping.map(forall.getInductionVar(0), iv);
  for (Operation &op : forall.getBody()->without_terminator())
    builder.clone(op, mapping);

  // The caller: fill ctx (allocated once, in the entry block) and call.
  builder.setInsertionPointToStart(&caller.getBody().front());
  Value count1 = LLVM::ConstantOp::create(builder, loc, i64,
                                          builder.getI64IntegerAttr(1));
  Value ctxPtr =
      LLVM::AllocaOp::create(builder, loc, ptrType, ctxType, count1);
  builder.setInsertionPoint(forall);
  for (auto [index, value] : llvm::enumerate(captured)) {
    Value field = getFieldAddress(builder, loc, ctxType, ctxPtr, index);
    LLVM::StoreOp::create(builder, loc,
                          castTo(builder, loc, value, fields[index]), field);
  }
  Value fn = func::ConstantOp::create(builder, loc, getBodyType(ctx),
                                      body.getSymName());
  Value n = arith::ConstantOp::create(builder, loc,
                                      builder.getI64IntegerAttr(space.count));
  func::CallOp::create(builder, loc, kParallelFor, TypeRange{},
                       ValueRange{fn, ctxPtr, n});
  forall.erase();
}

void CPUOutlineParallelPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  LLVMTypeConverter converter(&getContext());
  SmallVector<std::pair<scf::ForallOp, LoopSpace>> loops;
  module.walk([&](scf::ForallOp forall) {
    // Loops on tensors and loops of unknown size are lowered serially.
    if (forall.getNumResults() != 0)
      return;
    if (std::optional<LoopSpace> space = getLoopSpace(forall))
      loops.push_back({forall, *space});
  });
  if (loops.empty())
    return;
  declareParallelFor(module, symbols);
  for (auto [forall, space] : loops)
    outline(forall, space, symbols, converter);
}
