//===- TileMatmuls.cpp - matmuls as shared-memory tiled kernels -----------===//
//
// A linalg.matmul on device buffers becomes one gpu.launch: each block of
// 128 threads (4 warps) computes a 64x64 tile of the output, staging 64x16
// panels of both operands in shared memory per step of the reduction. Each
// warp owns a 32x32 sub-tile, i.e. 2x4 tiles of the tensor cores' m16n8k8
// shape; a thread holds the 32 accumulators that the PTX ISA assigns to its
// lane ("Matrix Fragments for mma.m16n8k8", .tf32 and .f32 accumulators).
// With TF32 the products are `mma.sync.m16n8k8.tf32` (operands rounded to
// nearest, ties away, by `cvt.rna.tf32.f32`); with FP32 the same thread
// computes the same accumulators with multiply-adds from shared memory, in
// the reduction's order (the CPU's).
//
// A long reduction into few tiles is split (TF32 only, as it changes the
// summation order): grid z takes chunks of the reduction into partial sums,
// which a linalg.generic then adds onto the output.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "compiler/Backends/NVPTX/KernelUtils.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXTILEMATMULSPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;
using nnc::nvptx::getRootBuffer;

namespace {
struct NVPTXTileMatmulsPass
    : nnc::nvptx::impl::NVPTXTileMatmulsPassBase<NVPTXTileMatmulsPass> {
  using Base::Base;
  void runOnOperation() override;
};

// Block tile (rows x columns of the output, reduction step) and threads.
constexpr int64_t kTileM = 64, kTileN = 64, kTileK = 16;
constexpr int64_t kThreads = 128, kWarpSize = 32;
// A warp's sub-tile: kWarpTilesM x kWarpTilesN tensor-core tiles of 16x8.
constexpr int64_t kWarpTilesM = 2, kWarpTilesN = 4;
// Padding of the shared panels' rows, so that the 32 lanes reading a
// fragment hit 32 different banks.
constexpr int64_t kPad = 4;
constexpr int64_t kAccumulators = kWarpTilesM * kWarpTilesN * 4;

/// The loop dimensions of a linalg.matmul: m, n, k.
enum Dim : unsigned { M = 0, N = 1, K = 2 };

/// An operand of the matmul: its buffer and which loop dimension each of
/// its two indices is.
struct Operand {
  Value buffer;
  unsigned dims[2];
  /// Indices of the element at loop position (m, n, k).
  SmallVector<Value, 2> indices(ArrayRef<Value> point) const {
    return {point[dims[0]], point[dims[1]]};
  }
};

/// Builds the kernel's index arithmetic with less noise.
struct IndexBuilder {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) const { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) const {
    return arith::AddIOp::create(b, loc, x, y);
  }
  Value add(Value x, int64_t y) const { return y ? add(x, c(y)) : x; }
  Value mul(Value x, int64_t y) const {
    return arith::MulIOp::create(b, loc, x, c(y));
  }
  Value div(Value x, int64_t y) const {
    return arith::DivUIOp::create(b, loc, x, c(y));
  }
  Value rem(Value x, int64_t y) const {
    return arith::RemUIOp::create(b, loc, x, c(y));
  }
  Value less(Value x, int64_t bound) const {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                 c(bound));
  }
  Value both(Value x, Value y) const {
    return arith::AndIOp::create(b, loc, x, y);
  }
};
} // namespace

/// The matmul's operands when it is one this pass handles: f32 buffers of
/// static shape, each operand indexed by two distinct loop dimensions.
static std::optional<SmallVector<Operand, 3>>
matchMatmul(linalg::MatmulOp op) {
  if (!op.hasPureBufferSemantics())
    return std::nullopt;
  SmallVector<Operand, 3> operands;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<Value> buffers{op.getDpsInputs()[0], op.getDpsInputs()[1],
                             op.getDpsInits()[0]};
  for (auto [buffer, map] : llvm::zip(buffers, maps)) {
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
        type.getRank() != 2 || !map.isProjectedPermutation() ||
        map.getNumResults() != 2)
      return std::nullopt;
    operands.push_back(
        {buffer, {map.getDimPosition(0), map.getDimPosition(1)}});
  }
  return operands;
}

/// Whether `generic` writes one buffer element by element, each element
/// from the inputs alone: all-parallel, the identity map on its output,
/// which its body does not read; inputs are buffers indexed by projected
/// permutations, and its body computes on them without side effects.
static bool isElementwiseWrite(linalg::GenericOp generic) {
  if (!generic.hasPureBufferSemantics() || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0 ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity() ||
      generic.payloadUsesValueFromOperand(generic.getDpsInitOperand(0)))
    return false;
  for (OpOperand *input : generic.getDpsInputOperands())
    if (!isa<MemRefType>(input->get().getType()) ||
        !generic.getMatchingIndexingMap(input).isProjectedPermutation())
      return false;
  return llvm::all_of(generic.getBody()->without_terminator(),
                      [](Operation &op) {
                        return isPure(&op) && op.getNumRegions() == 0;
                      });
}

/// The value an isElementwiseWrite `generic` gives output element
/// `indices`: its body cloned at the builder, each input loaded there, but
/// `known` (a buffer) read as `value`.
static Value computeElement(OpBuilder &b, Location loc,
                            linalg::GenericOp generic, ValueRange indices,
                            Value known = nullptr, Value value = nullptr) {
  IRMapping mapping;
  Block *body = generic.getBody();
  for (OpOperand *input : generic.getDpsInputOperands()) {
    BlockArgument arg = body->getArgument(input->getOperandNumber());
    if (known && input->get() == known) {
      mapping.map(arg, value);
      continue;
    }
    AffineMap map = generic.getMatchingIndexingMap(input);
    SmallVector<Value> at;
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      at.push_back(indices[map.getDimPosition(r)]);
    mapping.map(arg, memref::LoadOp::create(b, loc, input->get(), at));
  }
  for (Operation &bodyOp : body->without_terminator())
    b.clone(bodyOp, mapping);
  return mapping.lookupOrDefault(body->getTerminator()->getOperand(0));
}

/// The operation right before a matmul that sets its whole output (a fill,
/// a bias broadcast): its value at each output element becomes the
/// accumulators' start, saving a kernel and a pass over the output. A
/// linalg.fill, or an isElementwiseWrite generic of the output that does
/// not read it, not even through a view: other blocks may already have
/// stored their tiles.
static Operation *matchPrologue(linalg::MatmulOp op, Value output) {
  Operation *previous = op->getPrevNode();
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(previous))
    return fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == output
               ? fill
               : nullptr;
  auto generic = dyn_cast_or_null<linalg::GenericOp>(previous);
  if (!generic || !isElementwiseWrite(generic) ||
      generic.getDpsInits()[0] != output)
    return nullptr;
  for (Value input : generic.getDpsInputs())
    if (getRootBuffer(input) == getRootBuffer(output))
      return nullptr;
  return generic;
}

/// What `prologue` (matchPrologue) stores at output element `indices`.
static Value computePrologue(OpBuilder &b, Location loc, Operation *prologue,
                             ValueRange indices) {
  if (auto fill = dyn_cast<linalg::FillOp>(prologue))
    return fill.getDpsInputs()[0];
  return computeElement(b, loc, cast<linalg::GenericOp>(prologue), indices);
}

/// The operation right after a matmul that maps its output element by
/// element (an activation): computed on the accumulators before they are
/// stored, saving a kernel and a pass over the output. An
/// isElementwiseWrite generic of the matmul's output's type, reading that
/// output with the identity map only, no buffer it reads (nor the matmul's
/// operands) sharing a buffer with what it writes, since other blocks may
/// still read those.
static linalg::GenericOp matchEpilogue(linalg::MatmulOp op,
                                       ArrayRef<Operand> operands) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op->getNextNode());
  Value output = operands[2].buffer;
  if (!generic || !isElementwiseWrite(generic) ||
      generic.getDpsInits()[0].getType() != output.getType())
    return nullptr;
  Value written = getRootBuffer(generic.getDpsInits()[0]);
  bool writesOutput = written == getRootBuffer(output);
  if (writesOutput && generic.getDpsInits()[0] != output)
    return nullptr;
  bool readsOutput = false;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    if (input->get() == output) {
      if (!generic.getMatchingIndexingMap(input).isIdentity())
        return nullptr;
      readsOutput = true;
    } else if (getRootBuffer(input->get()) == written) {
      return nullptr;
    }
  }
  if (!readsOutput || getRootBuffer(operands[0].buffer) == written ||
      getRootBuffer(operands[1].buffer) == written)
    return nullptr;
  return generic;
}

/// `value` where `inside` holds, else 0.0 (outside the operands).
static Value valueOrZero(OpBuilder &b, Location loc, Value inside,
                         llvm::function_ref<Value(OpBuilder &, Location)> value) {
  auto guarded = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &then, Location l) {
        scf::YieldOp::create(then, l, value(then, l));
      },
      [&](OpBuilder &other, Location l) {
        Value zero =
            arith::ConstantOp::create(other, l, other.getF32FloatAttr(0.0f));
        scf::YieldOp::create(other, l, zero);
      });
  return guarded.getResult(0);
}

/// A thread's part of the block's panel of `operand` (rows x cols, indexed
/// by loop dimensions `rowDim`, `colDim`, starting at `origin`): its
/// elements (zero outside the operand) and where they go in shared memory.
/// Consecutive threads take consecutive elements of the operand's
/// contiguous index.
struct PanelPart {
  SmallVector<Value> values, rows, cols;
};

static PanelPart fetchPanel(IndexBuilder &ib, const Operand &operand,
                            ArrayRef<int64_t> sizes, unsigned rowDim,
                            unsigned colDim, int64_t rows, int64_t cols,
                            ArrayRef<Value> origin, Value thread) {
  OpBuilder &b = ib.b;
  Location loc = ib.loc;
  // The panel dimension along the operand's last (contiguous) index.
  bool rowContiguous = operand.dims[1] == rowDim;
  int64_t fastSize = rowContiguous ? rows : cols;
  PanelPart part;
  for (int64_t first = 0; first < rows * cols; first += kThreads) {
    Value e = ib.add(thread, first);
    Value fast = ib.rem(e, fastSize), slow = ib.div(e, fastSize);
    Value r = rowContiguous ? fast : slow, c = rowContiguous ? slow : fast;
    SmallVector<Value, 3> point(origin);
    point[rowDim] = ib.add(origin[rowDim], r);
    point[colDim] = ib.add(origin[colDim], c);
    Value inside = ib.both(ib.less(point[rowDim], sizes[rowDim]),
                           ib.less(point[colDim], sizes[colDim]));
    part.values.push_back(
        valueOrZero(b, loc, inside, [&](OpBuilder &then, Location l) {
          return memref::LoadOp::create(then, l, operand.buffer,
                                        operand.indices(point))
              .getResult();
        }));
    part.rows.push_back(r);
    part.cols.push_back(c);
  }
  return part;
}

static void storePanel(IndexBuilder &ib, const PanelPart &part, Value shared) {
  for (auto [value, r, c] : llvm::zip(part.values, part.rows, part.cols))
    memref::StoreOp::create(ib.b, ib.loc, value, shared, ValueRange{r, c});
}

namespace {
/// Where a thread's accumulators sit in the block tile (PTX ISA, m16n8k8
/// accumulators): accumulator (i, j, c) of warp tile (i, j) is row
/// groupID + 8·(c / 2), column 2·threadID_in_group + c % 2 of it.
struct ThreadLayout {
  Value warpRow, warpCol, group, inGroup;
  /// Row of the block tile of accumulator row half `h` of warp tile `i`.
  Value row(IndexBuilder &ib, int64_t i, int64_t h) const {
    return ib.add(ib.add(warpRow, i * 16 + 8 * h), group);
  }
  /// Column of the block tile of accumulator column `j` of warp tile `n`.
  Value col(IndexBuilder &ib, int64_t n, int64_t j) const {
    return ib.add(ib.add(warpCol, n * 8 + j), ib.mul(inGroup, 2));
  }
};
} // namespace

static int64_t accumulatorIndex(int64_t i, int64_t n, int64_t c) {
  return (i * kWarpTilesN + n) * 4 + c;
}

/// One step of 8 along the reduction with the tensor cores (TF32).
static void multiplyTF32(IndexBuilder &ib, const ThreadLayout &layout,
                         Value sharedA, Value sharedB, int64_t k0,
                         SmallVector<Value> &acc) {
  OpBuilder &b = ib.b;
  Location loc = ib.loc;
  auto toTF32 = [&](Value shared, Value r, Value c) {
    Value v = memref::LoadOp::create(b, loc, shared, ValueRange{r, c});
    auto cvt = NVVM::ConvertFloatToTF32Op::create(b, loc, b.getI32Type(), v);
    cvt.setRnd(NVVM::FPRoundingMode::RNA);
    return cvt.getResult();
  };
  Value kLow = ib.add(layout.inGroup, k0), kHigh = ib.add(layout.inGroup, k0 + 4);
  Type f32 = b.getF32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(4, f32));
  for (int64_t i = 0; i < kWarpTilesM; ++i) {
    // a0: (g, t), a1: (g + 8, t), a2: (g, t + 4), a3: (g + 8, t + 4).
    Value rowLow = layout.row(ib, i, 0), rowHigh = layout.row(ib, i, 1);
    SmallVector<Value> a{toTF32(sharedA, rowLow, kLow),
                         toTF32(sharedA, rowHigh, kLow),
                         toTF32(sharedA, rowLow, kHigh),
                         toTF32(sharedA, rowHigh, kHigh)};
    for (int64_t n = 0; n < kWarpTilesN; ++n) {
      // b0: (k = t, n = g), b1: (k = t + 4, n = g).
      Value col = ib.add(ib.add(layout.warpCol, n * 8), layout.group);
      SmallVector<Value> bFrag{toTF32(sharedB, kLow, col),
                               toTF32(sharedB, kHigh, col)};
      SmallVector<Value> c;
      for (int64_t e = 0; e < 4; ++e)
        c.push_back(acc[accumulatorIndex(i, n, e)]);
      auto mma = NVVM::MmaOp::create(
          b, loc, resultType, a, bFrag, c, ArrayRef<int64_t>{16, 8, 8},
          std::nullopt, std::nullopt,
          std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::tf32,
                                        NVVM::MMATypes::tf32},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      for (int64_t e = 0; e < 4; ++e)
        acc[accumulatorIndex(i, n, e)] =
            LLVM::ExtractValueOp::create(b, loc, mma.getResult(), e);
    }
  }
}

/// One step of 8 along the reduction with multiply-adds (FP32), each
/// accumulator adding its products in the reduction's order.
static void multiplyFP32(IndexBuilder &ib, const ThreadLayout &layout,
                         Value sharedA, Value sharedB, int64_t k0,
                         SmallVector<Value> &acc) {
  OpBuilder &b = ib.b;
  Location loc = ib.loc;
  SmallVector<Value> rows, cols;
  for (int64_t i = 0; i < kWarpTilesM; ++i)
    for (int64_t h = 0; h < 2; ++h)
      rows.push_back(layout.row(ib, i, h));
  for (int64_t n = 0; n < kWarpTilesN; ++n)
    for (int64_t j = 0; j < 2; ++j)
      cols.push_back(layout.col(ib, n, j));
  for (int64_t k = k0; k < k0 + 8; ++k) {
    Value kIndex = ib.c(k);
    SmallVector<Value> a, bv;
    for (Value r : rows)
      a.push_back(memref::LoadOp::create(b, loc, sharedA, ValueRange{r, kIndex}));
    for (Value c : cols)
      bv.push_back(
          memref::LoadOp::create(b, loc, sharedB, ValueRange{kIndex, c}));
    for (int64_t i = 0; i < kWarpTilesM; ++i)
      for (int64_t n = 0; n < kWarpTilesN; ++n)
        for (int64_t e = 0; e < 4; ++e) {
          Value &sum = acc[accumulatorIndex(i, n, e)];
          Value product = arith::MulFOp::create(b, loc, a[i * 2 + e / 2],
                                                bv[n * 2 + e % 2]);
          sum = arith::AddFOp::create(b, loc, sum, product);
        }
  }
}

namespace {
/// The reduction split over the blocks of grid z: split z sums terms
/// [z·chunk, (z+1)·chunk) (chunk a multiple of two steps) into
/// `partials`[z] ([splits, M, N]). One split: the kernel sums all terms
/// into the output itself.
struct SplitK {
  int64_t splits = 1, chunk = 0;
  Value partials;
};
} // namespace

/// Before `op`: the output plus the partial sums of `split`, added in the
/// order of the splits.
static void addPartials(OpBuilder &b, linalg::MatmulOp op, const Operand &c,
                        const SplitK &split) {
  b.setInsertionPoint(op);
  MLIRContext *ctx = op.getContext();
  // Loops (m, n, split); the output indexed as the matmul indexes it.
  AffineMap partialsMap = AffineMap::get(
      3, 0,
      {getAffineDimExpr(2, ctx), getAffineDimExpr(M, ctx),
       getAffineDimExpr(N, ctx)},
      ctx);
  AffineMap outputMap = AffineMap::get(
      3, 0, {getAffineDimExpr(c.dims[0], ctx), getAffineDimExpr(c.dims[1], ctx)},
      ctx);
  linalg::GenericOp::create(
      b, op.getLoc(), TypeRange(), ValueRange{split.partials},
      ValueRange{c.buffer}, ArrayRef<AffineMap>{partialsMap, outputMap},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel,
                                    utils::IteratorType::reduction},
      [](OpBuilder &nested, Location loc, ValueRange args) {
        Value sum = arith::AddFOp::create(nested, loc, args[1], args[0]);
        linalg::YieldOp::create(nested, loc, sum);
      });
}

/// Replaces `op` by the tiled kernel (and, when split, the sum of the
/// partials; the prologue then moves next to that sum, the epilogue stays
/// after it, so that the loop passes can fuse the three).
static void tileMatmul(linalg::MatmulOp op, ArrayRef<Operand> operands,
                       ArrayRef<int64_t> sizes, bool tf32,
                       Operation *prologue, linalg::GenericOp epilogue,
                       const SplitK &split = {}) {
  bool isSplit = split.splits > 1;
  OpBuilder b(op);
  Location loc = op.getLoc();
  IndexBuilder ib{b, loc};
  MLIRContext *ctx = op.getContext();
  auto workgroup = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Type f32 = b.getF32Type();
  auto sharedAType = MemRefType::get({kTileM, kTileK + kPad}, f32,
                                     MemRefLayoutAttrInterface(), workgroup);
  auto sharedBType = MemRefType::get({kTileK, kTileN + kPad}, f32,
                                     MemRefLayoutAttrInterface(), workgroup);
  Value one = ib.c(1);
  // Two panels of each operand: the next step's fill one while the
  // multiplies read the other.
  auto launch = gpu::LaunchOp::create(
      b, loc, ib.c(llvm::divideCeil(sizes[N], kTileN)),
      ib.c(llvm::divideCeil(sizes[M], kTileM)),
      isSplit ? ib.c(split.splits) : one,
      ib.c(kThreads), one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{},
      TypeRange{sharedAType, sharedBType, sharedAType, sharedBType});
  Block &body = launch.getBody().front();
  b.setInsertionPointToStart(&body);
  Value sharedA[2] = {launch.getWorkgroupAttributions()[0],
                      launch.getWorkgroupAttributions()[2]};
  Value sharedB[2] = {launch.getWorkgroupAttributions()[1],
                      launch.getWorkgroupAttributions()[3]};
  Value thread = launch.getThreadIds().x;
  Value rowOrigin = ib.mul(launch.getBlockIds().y, kTileM);
  Value colOrigin = ib.mul(launch.getBlockIds().x, kTileN);

  Value warp = ib.div(thread, kWarpSize), lane = ib.rem(thread, kWarpSize);
  ThreadLayout layout{ib.mul(ib.div(warp, 2), kWarpTilesM * 16),
                      ib.mul(ib.rem(warp, 2), kWarpTilesN * 8),
                      ib.div(lane, 4), ib.rem(lane, 4)};
  const Operand &a = operands[0], &bOp = operands[1], &c = operands[2];

  // The thread's outputs, starting from the values already there or from
  // what the prologue would have stored.
  auto outputPoint = [&](int64_t i, int64_t n, int64_t e) {
    SmallVector<Value, 3> point(3, Value());
    point[M] = ib.add(rowOrigin, layout.row(ib, i, e / 2));
    point[N] = ib.add(colOrigin, layout.col(ib, n, e % 2));
    Value inside = ib.both(ib.less(point[M], sizes[M]),
                           ib.less(point[N], sizes[N]));
    return std::make_pair(point, inside);
  };
  SmallVector<Value> acc(kAccumulators);
  Value kBegin = isSplit ? ib.mul(launch.getBlockIds().z, split.chunk)
                         : ib.c(0);
  Value kEnd = isSplit ? ib.add(kBegin, split.chunk)
                       : ib.c(llvm::alignTo(sizes[K], 2 * kTileK));
  // A split's accumulators start from zero, the output's from its values.
  Value zero = isSplit ? arith::ConstantOp::create(b, loc,
                                                   b.getF32FloatAttr(0.0f))
                             .getResult()
                       : Value();
  for (int64_t i = 0; i < kWarpTilesM; ++i)
    for (int64_t n = 0; n < kWarpTilesN; ++n)
      for (int64_t e = 0; e < 4; ++e) {
        if (isSplit) {
          acc[accumulatorIndex(i, n, e)] = zero;
          continue;
        }
        auto [point, inside] = outputPoint(i, n, e);
        acc[accumulatorIndex(i, n, e)] =
            valueOrZero(b, loc, inside, [&](OpBuilder &then, Location l) {
              SmallVector<Value, 2> indices = c.indices(point);
              return prologue
                         ? computePrologue(then, l, prologue, indices)
                         : memref::LoadOp::create(then, l, c.buffer, indices)
                               .getResult();
            });
      }

  // The thread's part of both operands' panels at reduction offset `k0`.
  auto fetch = [&](Value k0) {
    SmallVector<Value> origin(3);
    origin[M] = rowOrigin;
    origin[N] = colOrigin;
    origin[K] = k0;
    return std::make_pair(
        fetchPanel(ib, a, sizes, M, K, kTileM, kTileK, origin, thread),
        fetchPanel(ib, bOp, sizes, K, N, kTileK, kTileN, origin, thread));
  };
  auto store = [&](const std::pair<PanelPart, PanelPart> &parts, int buffer) {
    storePanel(ib, parts.first, sharedA[buffer]);
    storePanel(ib, parts.second, sharedB[buffer]);
  };
  auto multiply = [&](int buffer, SmallVector<Value> &sums) {
    for (int64_t k = 0; k < kTileK; k += 8) {
      if (tf32)
        multiplyTF32(ib, layout, sharedA[buffer], sharedB[buffer], k, sums);
      else
        multiplyFP32(ib, layout, sharedA[buffer], sharedB[buffer], k, sums);
    }
  };
  // Double buffering, two steps of 16 per iteration (past the end, the
  // panels are zero): the loads of the next step are issued before the
  // multiplies of this one, whose time hides their latency, and stored
  // into the other panels after them. One barrier per step: a panel is
  // written only in the step after the one that read it.
  store(fetch(kBegin), 0);
  gpu::BarrierOp::create(b, loc);
  auto steps = scf::ForOp::create(b, loc, kBegin, kEnd, ib.c(2 * kTileK), acc);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(steps.getBody());
    Value k0 = steps.getInductionVar();
    SmallVector<Value> sums(steps.getRegionIterArgs());
    auto odd = fetch(ib.add(k0, kTileK));
    multiply(0, sums);
    store(odd, 1);
    gpu::BarrierOp::create(b, loc);
    auto even = fetch(ib.add(k0, 2 * kTileK));
    multiply(1, sums);
    store(even, 0);
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, sums);
  }

  for (int64_t i = 0; i < kWarpTilesM; ++i)
    for (int64_t n = 0; n < kWarpTilesN; ++n)
      for (int64_t e = 0; e < 4; ++e) {
        auto [point, inside] = outputPoint(i, n, e);
        auto guarded = scf::IfOp::create(b, loc, inside);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(guarded.thenBlock());
        Value sum = steps.getResult(accumulatorIndex(i, n, e));
        if (isSplit) {
          memref::StoreOp::create(
              b, loc, sum, split.partials,
              ValueRange{launch.getBlockIds().z, point[M], point[N]});
          continue;
        }
        SmallVector<Value, 2> indices = c.indices(point);
        memref::StoreOp::create(b, loc, sum, c.buffer, indices);
        if (epilogue)
          memref::StoreOp::create(
              b, loc,
              computeElement(b, loc, epilogue, indices, c.buffer, sum),
              epilogue.getDpsInits()[0], indices);
      }
  gpu::TerminatorOp::create(b, loc);
  if (isSplit) {
    if (prologue)
      prologue->moveAfter(launch);
    addPartials(b, op, c, split);
    op.erase();
    return;
  }
  op.erase();
  if (prologue)
    prologue->erase();
  if (epilogue)
    epilogue.erase();
}

/// How to split a reduction of `terms` into `blocks` tiles so that about
/// `targetBlocks` blocks run, each at least two iterations (64 terms).
static SplitK chooseSplit(int64_t blocks, int64_t terms, int64_t targetBlocks) {
  int64_t iteration = 2 * kTileK;
  int64_t wanted =
      llvm::divideCeil(std::max<int64_t>(1, targetBlocks), blocks);
  SplitK split;
  split.chunk = std::max<int64_t>(
      2 * iteration, llvm::alignTo(llvm::divideCeil(terms, wanted), iteration));
  split.splits = llvm::divideCeil(terms, split.chunk);
  return split;
}

void NVPTXTileMatmulsPass::runOnOperation() {
  func::FuncOp func = getOperation();
  IRRewriter rewriter(&getContext());
  SmallVector<linalg::MatmulOp> matmuls;
  func.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
  for (linalg::MatmulOp op : matmuls) {
    std::optional<SmallVector<Operand, 3>> operands = matchMatmul(op);
    if (!operands)
      continue;
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    int64_t blocks = llvm::divideCeil(sizes[M], kTileM) *
                     llvm::divideCeil(sizes[N], kTileN);
    Operation *prologue = matchPrologue(op, (*operands)[2].buffer);
    // A long reduction into few tiles (a dense layer's 784 inputs into
    // 128x256 outputs) would keep a handful of blocks busy, each walking
    // the reduction one step after another. In TF32 its chunks go to more
    // blocks; in f32 nnc-nvptx-split-reductions spreads it (summing in f64,
    // close to the CPU's order).
    if (blocks < minBlocks && sizes[K] > maxSerialReduction) {
      if (!tf32)
        continue;
      SplitK split = chooseSplit(blocks, sizes[K], splitBlocks);
      if (split.splits < 2) {
        tileMatmul(op, *operands, sizes, tf32, prologue,
                   matchEpilogue(op, *operands));
        continue;
      }
      auto partialsType = MemRefType::get(
          {split.splits, sizes[M], sizes[N]}, rewriter.getF32Type());
      split.partials = nnc::nvptx::allocateForFunction(rewriter, func,
                                                       partialsType, op.getLoc());
      tileMatmul(op, *operands, sizes, tf32, prologue, nullptr, split);
      continue;
    }
    tileMatmul(op, *operands, sizes, tf32, prologue,
               matchEpilogue(op, *operands));
  }
}
