//===- DedupeKernels.cpp - one kernel for each distinct piece of code -----===//
//
// The layers of a model repeat, and so do their kernels: the same matmul,
// the same normalization, once per layer and again in each entry point
// (training step, prediction, diagnostics, Hessian products). Most copies
// differ only in where their tensors sit in the state buffer, a static
// offset in the type of a kernel argument. Keeping one kernel per distinct
// body, with such offsets passed at launch, shrinks the PTX and the time
// that LLVM's NVPTX backend and ptxas spend on it.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXDEDUPEKERNELSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXDedupeKernelsPass
    : nnc::nvptx::impl::NVPTXDedupeKernelsPassBase<NVPTXDedupeKernelsPass> {
  void runOnOperation() override;
};
} // namespace

/// The static offset of a buffer argument whose offset may move to a launch
/// parameter: static strides and offset, and only loads and stores use it
/// (their result types do not depend on the layout, as a subview's would).
static std::optional<int64_t> movableOffset(BlockArgument arg) {
  auto type = dyn_cast<MemRefType>(arg.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return std::nullopt;
  bool onlyAccessed = llvm::all_of(arg.getUsers(), [&](Operation *user) {
    if (auto load = dyn_cast<memref::LoadOp>(user))
      return load.getMemRef() == arg;
    if (auto store = dyn_cast<memref::StoreOp>(user))
      return store.getMemRef() == arg && store.getValueToStore() != arg;
    return false;
  });
  if (!onlyAccessed)
    return std::nullopt;
  return offset;
}

/// `type` with offset 0 (the identity layout when its strides are those of
/// a contiguous buffer), or with a dynamic offset.
static MemRefType withOffset(MemRefType type, int64_t offset) {
  SmallVector<int64_t> strides;
  int64_t old;
  (void)type.getStridesAndOffset(strides, old);
  auto layout = StridedLayoutAttr::get(type.getContext(), offset, strides);
  MemRefType contiguous = MemRefType::get(type.getShape(), type.getElementType(),
                                          MemRefLayoutAttrInterface(),
                                          type.getMemorySpace());
  if (offset == 0 && contiguous.getStridesAndOffset() ==
                         std::make_pair(strides, int64_t(0)))
    return contiguous;
  return MemRefType::get(type.getShape(), type.getElementType(), layout,
                         type.getMemorySpace());
}

/// The kernel's code as text, with its name and the offsets that may move
/// to launch parameters left out: equal texts, interchangeable kernels.
static std::string bodyKey(gpu::GPUFuncOp kernel) {
  OpBuilder builder(kernel);
  auto copy = cast<gpu::GPUFuncOp>(builder.clone(*kernel));
  copy.setName("kernel");
  SmallVector<Type> inputs;
  for (unsigned index = 0; index < copy.getNumArguments(); ++index) {
    BlockArgument arg = copy.getArgument(index);
    if (movableOffset(arg))
      arg.setType(withOffset(cast<MemRefType>(arg.getType()), 0));
    inputs.push_back(arg.getType());
  }
  copy.setFunctionType(builder.getFunctionType(inputs, {}));
  std::string key;
  llvm::raw_string_ostream os(key);
  copy->print(os, OpPrintingFlags().useLocalScope());
  copy.erase();
  return key;
}

/// Static offset of argument `index` of `kernel` (0 when it has none).
static int64_t offsetOf(gpu::GPUFuncOp kernel, unsigned index) {
  return movableOffset(kernel.getArgument(index)).value_or(0);
}

/// `source` (a buffer of `type`'s shape and strides) seen as `result`,
/// whose offset is `offset`.
static Value reinterpret(OpBuilder &builder, Location loc, Value source,
                         MemRefType type, OpFoldResult offset,
                         MemRefType result) {
  SmallVector<int64_t> strides;
  int64_t old;
  (void)type.getStridesAndOffset(strides, old);
  SmallVector<OpFoldResult> sizes, strideValues;
  for (int64_t size : type.getShape())
    sizes.push_back(builder.getIndexAttr(size));
  for (int64_t stride : strides)
    strideValues.push_back(builder.getIndexAttr(stride));
  return memref::ReinterpretCastOp::create(builder, loc, result, source,
                                           offset, sizes, strideValues);
}

/// What becomes of a buffer argument whose type differs between the
/// kernels of a group.
struct ArgumentChange {
  unsigned index;
  /// The offset moves to an appended `index` argument (it differs within
  /// the group); else all have the same one, and only the spelling of
  /// their layouts differed.
  bool moved;
};

/// The kept kernel's argument `change.index` in its common form; a moved
/// offset is read from the index argument appended for it.
static void changeArgument(gpu::GPUFuncOp kernel, ArgumentChange change) {
  auto type = cast<MemRefType>(kernel.getArgument(change.index).getType());
  int64_t offset = offsetOf(kernel, change.index);
  OpBuilder builder(kernel.getContext());
  if (change.moved) {
    unsigned offsetIndex = kernel.getNumArguments();
    (void)kernel.insertArgument(offsetIndex, builder.getIndexType(), {},
                                kernel.getLoc());
    offset = 0;
  }
  BlockArgument arg = kernel.getArgument(change.index);
  arg.setType(withOffset(type, offset));
  SmallVector<Type> inputs;
  for (unsigned index = 0; index < kernel.getNumArguments(); ++index)
    inputs.push_back(kernel.getArgument(index).getType());
  kernel.setFunctionType(builder.getFunctionType(inputs, {}));
  if (!change.moved)
    return;
  builder.setInsertionPointToStart(&kernel.getBody().front());
  Value view = reinterpret(
      builder, arg.getLoc(), arg, type,
      kernel.getArgument(kernel.getNumArguments() - 1),
      withOffset(type, ShapedType::kDynamic));
  arg.replaceAllUsesExcept(view, view.getDefiningOp());
}

/// Points `launch` (of `original`) at the kept kernel `target`: each
/// changed buffer in its common form, and the moved offsets appended.
static void rewriteLaunch(gpu::LaunchFuncOp launch, gpu::GPUFuncOp original,
                          ArrayRef<ArgumentChange> changes,
                          SymbolRefAttr target) {
  OpBuilder builder(launch);
  Location loc = launch.getLoc();
  SmallVector<Value> operands(launch.getKernelOperands());
  for (ArgumentChange change : changes) {
    Value &operand = operands[change.index];
    auto type = cast<MemRefType>(operand.getType());
    int64_t offset = change.moved ? 0 : offsetOf(original, change.index);
    MemRefType common = withOffset(type, offset);
    if (type != common)
      operand = reinterpret(builder, loc, operand, type,
                            builder.getIndexAttr(offset), common);
  }
  for (ArgumentChange change : changes)
    if (change.moved)
      operands.push_back(arith::ConstantIndexOp::create(
          builder, loc, offsetOf(original, change.index)));
  launch.getKernelOperandsMutable().assign(operands);
  launch.setKernelAttr(target);
}

void NVPTXDedupeKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  // Kernels with the same code, in order of appearance.
  SmallVector<SmallVector<gpu::GPUFuncOp>> groups;
  llvm::StringMap<unsigned> groupOfKey;
  module.walk([&](gpu::GPUFuncOp kernel) {
    if (!kernel.isKernel())
      return;
    auto [it, added] = groupOfKey.try_emplace(bodyKey(kernel), groups.size());
    if (added)
      groups.emplace_back();
    groups[it->second].push_back(kernel);
  });

  // Launches by the kernel they call.
  DenseMap<Operation *, SmallVector<gpu::LaunchFuncOp>> launches;
  module.walk([&](gpu::LaunchFuncOp launch) {
    launches[SymbolTable::lookupNearestSymbolFrom(launch,
                                                  launch.getKernelAttr())]
        .push_back(launch);
  });

  for (ArrayRef<gpu::GPUFuncOp> kernels : groups) {
    if (kernels.size() < 2)
      continue;
    gpu::GPUFuncOp kept = kernels.front();
    // Equal keys: arguments of different types are buffers whose offsets
    // may move (movableOffset).
    SmallVector<ArgumentChange> changes;
    for (unsigned index = 0; index < kept.getNumArguments(); ++index) {
      Type type = kept.getArgument(index).getType();
      if (llvm::all_of(kernels, [&](gpu::GPUFuncOp other) {
            return other.getArgument(index).getType() == type;
          }))
        continue;
      bool moved = llvm::any_of(kernels, [&](gpu::GPUFuncOp other) {
        return offsetOf(other, index) != offsetOf(kept, index);
      });
      changes.push_back({index, moved});
    }
    // Each moved offset is one more parameter: past PTX's limit, the
    // kernels stay apart.
    SmallVector<Type> parameters(kept.getArgumentTypes());
    for (ArgumentChange change : changes)
      if (change.moved)
        parameters.push_back(IndexType::get(&getContext()));
    if (nnc::nvptx::parameterBytes(parameters) >
        nnc::nvptx::kMaxKernelParameterBytes)
      continue;
    auto kernelModule = kept->getParentOfType<gpu::GPUModuleOp>();
    auto target = SymbolRefAttr::get(kernelModule.getSymNameAttr(),
                                     {FlatSymbolRefAttr::get(kept)});
    for (gpu::GPUFuncOp kernel : kernels)
      for (gpu::LaunchFuncOp launch : launches.lookup(kernel))
        rewriteLaunch(launch, kernel, changes, target);
    for (ArgumentChange change : changes)
      changeArgument(kept, change);
    for (gpu::GPUFuncOp kernel : kernels.drop_front())
      kernel.erase();
  }

  // The passes before keep kernels within the limit; one that is not would
  // only fail in ptxas, or in the driver when it loads the PTX.
  WalkResult tooLarge = module.walk([&](gpu::GPUFuncOp kernel) {
    int64_t bytes = nnc::nvptx::parameterBytes(kernel.getArgumentTypes());
    if (!kernel.isKernel() || bytes <= nnc::nvptx::kMaxKernelParameterBytes)
      return WalkResult::advance();
    kernel.emitError("kernel takes ")
        << bytes << " bytes of parameters, more than the "
        << nnc::nvptx::kMaxKernelParameterBytes << " that PTX ISA 8.0 allows";
    return WalkResult::interrupt();
  });
  if (tooLarge.wasInterrupted())
    signalPassFailure();
}
