//===- EmulatedKernels.cpp - host copies of the kernels for the emulator --===//
//
// Testing the GPU pipeline without a GPU: the kernels are also compiled for
// the host, and tools/cuda-emulator (a library with the CUDA driver API)
// runs them when a model built with `nnc --gpu-emulate` loads it in place
// of libcuda. Everything but the PTX itself is then exercised: mapping,
// host/device transfers, the launch parameters, the runtime's device layer.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXEMULATEDKERNELSPASS
#define GEN_PASS_DEF_NVPTXEMULATORENTRIESPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXEmulatedKernelsPass
    : nnc::nvptx::impl::NVPTXEmulatedKernelsPassBase<NVPTXEmulatedKernelsPass> {
  void runOnOperation() override;
};
struct NVPTXEmulatorEntriesPass
    : nnc::nvptx::impl::NVPTXEmulatorEntriesPassBase<NVPTXEmulatorEntriesPass> {
  void runOnOperation() override;
};
} // namespace

static constexpr StringLiteral kBodyPrefix = "nnc_emu_body_";
static constexpr StringLiteral kEntryPrefix = "nnc_emu_";

/// Position of an index in the emulator's id array (thread, block, block
/// size, grid size; x, y, z each), which tools/cuda-emulator fills the same.
static int64_t getIdSlot(Operation *op) {
  auto slot = [](int64_t base, gpu::Dimension dim) {
    return base + static_cast<int64_t>(dim);
  };
  if (auto id = dyn_cast<gpu::ThreadIdOp>(op))
    return slot(0, id.getDimension());
  if (auto id = dyn_cast<gpu::BlockIdOp>(op))
    return slot(3, id.getDimension());
  if (auto id = dyn_cast<gpu::BlockDimOp>(op))
    return slot(6, id.getDimension());
  if (auto id = dyn_cast<gpu::GridDimOp>(op))
    return slot(9, id.getDimension());
  return -1;
}

/// func.func @nnc_emu_body_<kernel>(%ids: memref<12xindex>, <kernel args>)
/// with the kernel's body, ids read from %ids.
static LogicalResult emulate(gpu::GPUFuncOp kernel, ModuleOp module) {
  if (kernel.getNumWorkgroupAttributions() ||
      kernel.getNumPrivateAttributions())
    return kernel.emitOpError(
        "has memory attributions, which the emulator does not support");
  MLIRContext *ctx = kernel.getContext();
  auto idsType = MemRefType::get({12}, IndexType::get(ctx));
  SmallVector<Type> inputs{idsType};
  llvm::append_range(inputs, kernel.getArgumentTypes());
  OpBuilder builder(ctx);
  builder.setInsertionPointToEnd(module.getBody());
  auto body = func::FuncOp::create(builder, kernel.getLoc(),
                                   (kBodyPrefix + kernel.getName()).str(),
                                   FunctionType::get(ctx, inputs, {}));
  IRMapping mapping;
  kernel.getBody().cloneInto(&body.getBody(), mapping);
  Block &entry = body.getBody().front();
  Value ids = entry.insertArgument(0u, idsType, kernel.getLoc());

  IRRewriter rewriter(ctx);
  WalkResult walk = body.walk([&](Operation *op) {
    if (int64_t slot = getIdSlot(op); slot >= 0) {
      rewriter.setInsertionPoint(op);
      Value index = arith::ConstantIndexOp::create(rewriter, op->getLoc(), slot);
      rewriter.replaceOpWithNewOp<memref::LoadOp>(op, ids, index);
    } else if (isa<gpu::ReturnOp>(op)) {
      rewriter.setInsertionPoint(op);
      rewriter.replaceOpWithNewOp<func::ReturnOp>(op);
    } else if (isa<gpu::GPUDialect>(op->getDialect())) {
      op->emitOpError("cannot be emulated on the host");
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  // The host has no libdevice: exp, tanh, ... come from libm, which lacks
  // rsqrt (1 / sqrt).
  RewritePatternSet patterns(ctx);
  math::populateExpansionPatterns(patterns, {"rsqrt"});
  populateMathToLibmConversionPatterns(patterns);
  if (failed(applyPatternsGreedily(body, std::move(patterns))))
    return failure();
  // LLVM's NVPTX backend contracts a multiply and an add into one fma by
  // default; the host copy may do the same (where the CPU has FMA), so that
  // it rounds like the GPU.
  body.walk([](arith::ArithFastMathInterface op) {
    auto flags = op.getFastMathFlagsAttr();
    op->setAttr(op.getFastMathAttrName(),
                arith::FastMathFlagsAttr::get(
                    op->getContext(),
                    (flags ? flags.getValue() : arith::FastMathFlags::none) |
                        arith::FastMathFlags::contract));
  });
  return success();
}

void NVPTXEmulatedKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<gpu::GPUFuncOp> kernels;
  module.walk([&](gpu::GPUFuncOp func) {
    if (func.isKernel())
      kernels.push_back(func);
  });
  for (gpu::GPUFuncOp kernel : kernels)
    if (failed(emulate(kernel, module)))
      return signalPassFailure();
}

/// llvm.func @nnc_emu_<kernel>(%params, %ids): loads each argument from
/// cuLaunchKernel's parameter array (pointers to the values) and calls the
/// body. Its signature, void(void **, const int64_t *), is the emulator's.
static void createEntry(LLVM::LLVMFuncOp body, ModuleOp module) {
  MLIRContext *ctx = body.getContext();
  Location loc = body.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  OpBuilder builder(ctx);
  builder.setInsertionPointToEnd(module.getBody());
  auto entry = LLVM::LLVMFuncOp::create(
      builder, loc,
      (kEntryPrefix + body.getName().drop_front(kBodyPrefix.size())).str(),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, ptr}));
  Block *block = entry.addEntryBlock(builder);
  builder.setInsertionPointToStart(block);
  Value params = block->getArgument(0);
  // The body's first argument is the id array (a bare pointer).
  SmallVector<Value> args{block->getArgument(1)};
  ArrayRef<Type> types = body.getFunctionType().getParams();
  for (auto [i, type] : llvm::enumerate(types.drop_front())) {
    Value slot = LLVM::GEPOp::create(builder, loc, ptr, ptr, params,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    Value address = LLVM::LoadOp::create(builder, loc, ptr, slot);
    args.push_back(LLVM::LoadOp::create(builder, loc, type, address));
  }
  LLVM::CallOp::create(builder, loc, body, args);
  LLVM::ReturnOp::create(builder, loc, ValueRange());
}

void NVPTXEmulatorEntriesPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<LLVM::LLVMFuncOp> bodies;
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (func.getName().starts_with(kBodyPrefix) && !func.isExternal())
      bodies.push_back(func);
  for (LLVM::LLVMFuncOp body : bodies)
    createEntry(body, module);
}
