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
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
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
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

static constexpr StringLiteral kBodyPrefix = "nnc_emu_body_";
static constexpr StringLiteral kEntryPrefix = "nnc_emu_";
/// Entries of kernels whose threads synchronize (barriers, warp-wide
/// tensor-core operations): the emulator runs their threads as fibers.
static constexpr StringLiteral kSyncEntryPrefix = "nnc_emu_sync_";
static constexpr StringLiteral kArgsPrefix = "nnc_emu_args_";
static constexpr StringLiteral kSyncAttr = "nnc.emu_sync";
static constexpr StringLiteral kSharedAttr = "nnc.emu_shared";
/// The emulator's shared memory per block (sm_90's static limit).
static constexpr int64_t kSharedLimit = 48 * 1024;

/// The emulator's id array (tools/cuda-emulator fills it the same): thread,
/// block, block size, grid size (x, y, z each), then the emulator's own
/// functions and the block's shared memory.
enum IdSlot : int64_t {
  kBarrierSlot = 12, // void (*)(void): __syncthreads
  kSharedSlot = 13,  // the block's shared memory (48 KiB)
  kMmaSlot = 14,     // void (*)(uint32_t[14]): mma.sync.m16n8k8 tf32, f32
  kIdSlots = 15,
  // Beyond the body's id array, read by the entries' race check only:
  kAccessSlot = 15, // void (*)(ids, address, bytes, isWrite)
};

/// Position of an index in the emulator's id array.
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

/// The pointer in slot `slot` of the id array.
static Value loadPointer(OpBuilder &b, Location loc, Value ids, int64_t slot) {
  Value index = arith::ConstantIndexOp::create(b, loc, slot);
  Value word = memref::LoadOp::create(b, loc, ids, index);
  Value bits = arith::IndexCastOp::create(b, loc, b.getI64Type(), word);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), bits);
}

/// cvt.rna.tf32.f32: the f32 rounded to 10 bits of mantissa, to nearest,
/// ties away from zero (finite values; the bits of an f32).
static Value emulateToTF32(OpBuilder &b, Location loc, Value value) {
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, value);
  Value half = arith::ConstantIntOp::create(b, loc, i32, 0x1000);
  Value mask = arith::ConstantIntOp::create(b, loc, i32, 0xFFFFE000);
  return arith::AndIOp::create(b, loc,
                               arith::AddIOp::create(b, loc, bits, half), mask);
}

/// nvvm.mma.sync (m16n8k8, tf32 operands, f32 accumulators) as a call of
/// the emulator's warp-wide multiply: a0..a3, b0, b1, c0..c3 in, d0..d3
/// out, through `scratch` (14 words).
static LogicalResult emulateMma(RewriterBase &rewriter, NVVM::MmaOp mma,
                                Value ids, Value scratch) {
  auto shape = mma.getShape();
  if (shape.getM() != 16 || shape.getN() != 8 || shape.getK() != 8 ||
      mma.getMultiplicandAPtxType() != NVVM::MMATypes::tf32 ||
      mma.getMultiplicandBPtxType() != NVVM::MMATypes::tf32 ||
      mma.getOperandC().size() != 4 || !mma.getOperandC()[0].getType().isF32())
    return mma.emitOpError("is not the m16n8k8 tf32 form the emulator runs");
  Location loc = mma.getLoc();
  rewriter.setInsertionPoint(mma);
  Type i32 = rewriter.getI32Type(), f32 = rewriter.getF32Type();
  auto ptr = LLVM::LLVMPointerType::get(rewriter.getContext());
  auto slot = [&](int32_t i) {
    return LLVM::GEPOp::create(rewriter, loc, ptr, i32, scratch,
                               ArrayRef<LLVM::GEPArg>{i});
  };
  int32_t i = 0;
  for (Value operand : mma.getOperands())
    LLVM::StoreOp::create(rewriter, loc, operand, slot(i++));
  Value multiply = loadPointer(rewriter, loc, ids, kMmaSlot);
  LLVM::CallOp::create(
      rewriter, loc,
      LLVM::LLVMFunctionType::get(
          LLVM::LLVMVoidType::get(rewriter.getContext()), {ptr}),
      ValueRange{multiply, scratch});
  Value result = LLVM::UndefOp::create(rewriter, loc, mma.getType());
  for (int64_t d = 0; d < 4; ++d) {
    Value value = LLVM::LoadOp::create(rewriter, loc, f32, slot(10 + d));
    result = LLVM::InsertValueOp::create(rewriter, loc, result, value, d);
  }
  rewriter.replaceOp(mma, result);
  return success();
}

/// func.func @nnc_emu_body_<kernel>(%ids: memref<15xindex>, <kernel args>,
/// <shared buffers>) with the kernel's body, ids read from %ids, barriers
/// and tensor-core operations calling the emulator.
static LogicalResult emulate(gpu::GPUFuncOp kernel, ModuleOp module) {
  if (kernel.getNumPrivateAttributions())
    return kernel.emitOpError(
        "has private memory attributions, which the emulator does not "
        "support");
  MLIRContext *ctx = kernel.getContext();
  auto idsType = MemRefType::get({kIdSlots}, IndexType::get(ctx));
  SmallVector<Type> inputs{idsType};
  llvm::append_range(inputs, kernel.getArgumentTypes());
  // Shared buffers are plain host memory that the emulator provides.
  SmallVector<MemRefType> sharedTypes;
  for (BlockArgument shared : kernel.getWorkgroupAttributions()) {
    auto type = cast<MemRefType>(shared.getType());
    sharedTypes.push_back(MemRefType::get(
        type.getShape(), type.getElementType(), type.getLayout()));
    inputs.push_back(sharedTypes.back());
  }
  OpBuilder builder(ctx);
  builder.setInsertionPointToEnd(module.getBody());
  auto body = func::FuncOp::create(builder, kernel.getLoc(),
                                   (kBodyPrefix + kernel.getName()).str(),
                                   FunctionType::get(ctx, inputs, {}));
  IRMapping mapping;
  kernel.getBody().cloneInto(&body.getBody(), mapping);
  Block &entry = body.getBody().front();
  Value ids = entry.insertArgument(0u, idsType, kernel.getLoc());
  for (auto [i, type] : llvm::enumerate(sharedTypes))
    entry.getArgument(1 + kernel.getNumArguments() + i).setType(type);

  IRRewriter rewriter(ctx);
  // Scratch words for the tensor-core calls, once per thread (an alloca
  // inside the loops would grow the stack every iteration).
  Value scratch;
  auto getScratch = [&] {
    if (!scratch) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&entry);
      Value count = LLVM::ConstantOp::create(rewriter, kernel.getLoc(),
                                             rewriter.getI64Type(), 14);
      scratch = LLVM::AllocaOp::create(rewriter, kernel.getLoc(),
                                       LLVM::LLVMPointerType::get(ctx),
                                       rewriter.getI32Type(), count);
    }
    return scratch;
  };
  bool synchronizes = !sharedTypes.empty();
  SmallVector<Operation *> ops;
  body.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : ops) {
    if (int64_t slot = getIdSlot(op); slot >= 0) {
      rewriter.setInsertionPoint(op);
      Value index =
          arith::ConstantIndexOp::create(rewriter, op->getLoc(), slot);
      rewriter.replaceOpWithNewOp<memref::LoadOp>(op, ids, index);
    } else if (isa<gpu::ReturnOp>(op)) {
      rewriter.setInsertionPoint(op);
      rewriter.replaceOpWithNewOp<func::ReturnOp>(op);
    } else if (isa<gpu::BarrierOp>(op)) {
      rewriter.setInsertionPoint(op);
      Value barrier = loadPointer(rewriter, op->getLoc(), ids, kBarrierSlot);
      LLVM::CallOp::create(
          rewriter, op->getLoc(),
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {}),
          ValueRange{barrier});
      rewriter.eraseOp(op);
      synchronizes = true;
    } else if (auto cvt = dyn_cast<NVVM::ConvertFloatToTF32Op>(op)) {
      if (cvt.getRnd() != NVVM::FPRoundingMode::RNA || cvt.getRelu() ||
          cvt.getSat() != NVVM::SaturationMode::NONE)
        return cvt.emitOpError("is not the round-to-nearest-away form the "
                               "emulator runs");
      rewriter.setInsertionPoint(op);
      rewriter.replaceOp(op,
                         emulateToTF32(rewriter, op->getLoc(), cvt.getSrc()));
    } else if (auto mma = dyn_cast<NVVM::MmaOp>(op)) {
      if (failed(emulateMma(rewriter, mma, ids, getScratch())))
        return failure();
      synchronizes = true;
    } else if (isa<gpu::GPUDialect, NVVM::NVVMDialect>(op->getDialect())) {
      return op->emitOpError("cannot be emulated on the host");
    }
  }
  if (synchronizes)
    body->setAttr(kSyncAttr, UnitAttr::get(ctx));
  // Byte sizes of the shared buffers, which the entry carves out of the
  // block's shared memory.
  SmallVector<int64_t> sharedBytes;
  for (MemRefType type : sharedTypes)
    sharedBytes.push_back(type.getNumElements() *
                          type.getElementTypeBitWidth() / 8);
  if (!sharedBytes.empty())
    body->setAttr(kSharedAttr, builder.getDenseI64ArrayAttr(sharedBytes));
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

/// The constant string nnc_emu_args_<kernel>: one letter per launch
/// parameter, 'p' for a pointer, else the size of the value in bytes
/// ('1'-'8'; 'v' for any other). The emulator reads which device buffers a
/// launch uses from it, to find races between streams, and how many bytes
/// of each parameter a graph node copies, as the driver does.
static void createArgumentKinds(OpBuilder &builder, Location loc,
                                StringRef kernel, ArrayRef<Type> types) {
  std::string kinds;
  for (Type type : types) {
    unsigned bytes = type.isIntOrFloat()
                         ? (type.getIntOrFloatBitWidth() + 7) / 8
                         : 0;
    kinds.push_back(isa<LLVM::LLVMPointerType>(type) ? 'p'
                    : bytes >= 1 && bytes <= 8 ? char('0' + bytes)
                                               : 'v');
  }
  kinds.push_back('\0');
  auto arrayType = LLVM::LLVMArrayType::get(builder.getI8Type(), kinds.size());
  LLVM::GlobalOp::create(builder, loc, arrayType, /*isConstant=*/true,
                         LLVM::Linkage::External, (kArgsPrefix + kernel).str(),
                         builder.getStringAttr(kinds));
}

/// llvm.func @nnc_emu_<kernel>(%params, %ids) (nnc_emu_sync_<kernel> when
/// its threads synchronize): loads each argument from cuLaunchKernel's
/// parameter array (pointers to the values), points the shared buffers into
/// the block's shared memory (%ids[13]) and calls the body. Its signature,
/// void(void **, const int64_t *), is the emulator's.
static LogicalResult createEntry(LLVM::LLVMFuncOp body, ModuleOp module) {
  MLIRContext *ctx = body.getContext();
  Location loc = body.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  OpBuilder builder(ctx);
  builder.setInsertionPointToEnd(module.getBody());
  StringRef kernel = body.getName().drop_front(kBodyPrefix.size());
  auto entry = LLVM::LLVMFuncOp::create(
      builder, loc,
      ((body->hasAttr(kSyncAttr) ? kSyncEntryPrefix : kEntryPrefix) + kernel)
          .str(),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, ptr}));
  Block *block = entry.addEntryBlock(builder);
  builder.setInsertionPointToStart(block);
  Value params = block->getArgument(0);
  Value ids = block->getArgument(1);
  ArrayRef<int64_t> sharedBytes;
  if (auto attr = body->getAttrOfType<DenseI64ArrayAttr>(kSharedAttr))
    sharedBytes = attr.asArrayRef();
  // The body's first argument is the id array (a bare pointer), its last
  // ones the shared buffers.
  SmallVector<Value> args{ids};
  ArrayRef<Type> types =
      body.getFunctionType().getParams().drop_front().drop_back(
          sharedBytes.size());
  for (auto [i, type] : llvm::enumerate(types)) {
    Value slot = LLVM::GEPOp::create(builder, loc, ptr, ptr, params,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    Value address = LLVM::LoadOp::create(builder, loc, ptr, slot);
    args.push_back(LLVM::LoadOp::create(builder, loc, type, address));
  }
  if (!sharedBytes.empty()) {
    Type i64 = builder.getI64Type(), i8 = builder.getI8Type();
    Value slot =
        LLVM::GEPOp::create(builder, loc, ptr, i64, ids,
                            ArrayRef<LLVM::GEPArg>{int32_t(kSharedSlot)});
    Value base = LLVM::IntToPtrOp::create(
        builder, loc, ptr,
        LLVM::LoadOp::create(builder, loc, i64, slot).getResult());
    int64_t offset = 0;
    for (int64_t bytes : sharedBytes) {
      args.push_back(
          LLVM::GEPOp::create(builder, loc, ptr, i8, base,
                              ArrayRef<LLVM::GEPArg>{int32_t(offset)}));
      offset += llvm::alignTo(bytes, 16);
    }
    if (offset > kSharedLimit)
      return body.emitOpError("needs ")
             << offset << " bytes of shared memory, more than the "
             << kSharedLimit << " a block has";
  }
  LLVM::CallOp::create(builder, loc, body, args);
  LLVM::ReturnOp::create(builder, loc, ValueRange());
  builder.setInsertionPointToEnd(module.getBody());
  createArgumentKinds(builder, loc, kernel, types);
  return success();
}

/// Whether `address` points into the id array `ids` or the body's own stack
/// (the mma scratch words): memory no other thread sees.
static bool isThreadPrivate(Value address, Value ids) {
  while (auto gep = address.getDefiningOp<LLVM::GEPOp>())
    address = gep.getBase();
  return address == ids || address.getDefiningOp<LLVM::AllocaOp>();
}

/// Precedes every other load and store of `body` by a call of the
/// emulator's access check (%ids[15]) with the address, the bytes and
/// whether it writes.
static void instrumentAccesses(LLVM::LLVMFuncOp body,
                               const DataLayout &layout) {
  MLIRContext *ctx = body.getContext();
  Location loc = body.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64), i32 = IntegerType::get(ctx, 32);
  Value ids = body.getArgument(0);
  SmallVector<Operation *> accesses;
  body.walk([&](Operation *op) {
    if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
      if (!isThreadPrivate(load.getAddr(), ids))
        accesses.push_back(op);
    } else if (auto store = dyn_cast<LLVM::StoreOp>(op)) {
      if (!isThreadPrivate(store.getAddr(), ids))
        accesses.push_back(op);
    }
  });
  OpBuilder builder = OpBuilder::atBlockBegin(&body.getBody().front());
  Value slot =
      LLVM::GEPOp::create(builder, loc, ptr, i64, ids,
                          ArrayRef<LLVM::GEPArg>{int32_t(kAccessSlot)});
  Value word = LLVM::LoadOp::create(builder, loc, i64, slot);
  Value check = LLVM::IntToPtrOp::create(builder, loc, ptr, word);
  auto checkType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                               {ptr, ptr, i64, i32});
  for (Operation *op : accesses) {
    builder.setInsertionPoint(op);
    auto load = dyn_cast<LLVM::LoadOp>(op);
    Value address = load ? load.getAddr() : cast<LLVM::StoreOp>(op).getAddr();
    Type type =
        load ? load.getType() : cast<LLVM::StoreOp>(op).getValue().getType();
    Value bytes = LLVM::ConstantOp::create(
        builder, loc, i64, static_cast<int64_t>(layout.getTypeSize(type)));
    Value writes = LLVM::ConstantOp::create(builder, loc, i32, load ? 0 : 1);
    LLVM::CallOp::create(builder, loc, checkType,
                         ValueRange{check, ids, address, bytes, writes});
  }
}

void NVPTXEmulatorEntriesPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<LLVM::LLVMFuncOp> bodies;
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (func.getName().starts_with(kBodyPrefix) && !func.isExternal())
      bodies.push_back(func);
  DataLayout layout(module);
  for (LLVM::LLVMFuncOp body : bodies) {
    if (raceCheck)
      instrumentAccesses(body, layout);
    if (failed(createEntry(body, module)))
      return signalPassFailure();
  }
  if (raceCheck && !bodies.empty()) {
    // Tells the emulator to run the blocks of a launch one after another.
    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    LLVM::GlobalOp::create(builder, module.getLoc(), builder.getI8Type(),
                           /*isConstant=*/true, LLVM::Linkage::External,
                           "nnc_emu_race_check", builder.getI8IntegerAttr(1));
  }
}
