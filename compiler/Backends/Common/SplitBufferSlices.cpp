//===- SplitBufferSlices.cpp - one tensor per slice of a flat buffer ------===//

#include "compiler/Backends/Common/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <map>

namespace nnc {
#define GEN_PASS_DEF_SPLITBUFFERSLICESPASS
#include "compiler/Backends/Common/Passes.h.inc"
} // namespace nnc

using namespace mlir;

namespace {
struct SplitBufferSlicesPass
    : nnc::impl::SplitBufferSlicesPassBase<SplitBufferSlicesPass> {
  void runOnOperation() override;
};

/// The uses of one `to_tensor` of a 1-D buffer: slice reads, the chain of
/// slice updates and the store of the chain's end back into the buffer.
struct SliceChain {
  /// Each read with the number of updates of the chain before it, in that
  /// order.
  SmallVector<std::pair<tensor::ExtractSliceOp, unsigned>> reads;
  SmallVector<tensor::InsertSliceOp> updates;
  bufferization::MaterializeInDestinationOp store;
  /// Every slice used, offset -> size.
  std::map<int64_t, int64_t> slices;
};
} // namespace

/// The offset of a static, unit-stride 1-D slice op, after recording its
/// slice in `chain`; nullopt when it is not one or overlaps another slice
/// without being equal to it.
static std::optional<int64_t> recordSlice(OffsetSizeAndStrideOpInterface op,
                                          SliceChain &chain) {
  ArrayRef<int64_t> offsets = op.getStaticOffsets();
  ArrayRef<int64_t> sizes = op.getStaticSizes();
  ArrayRef<int64_t> strides = op.getStaticStrides();
  if (offsets.size() != 1 || ShapedType::isDynamic(offsets[0]) ||
      ShapedType::isDynamic(sizes[0]) || strides[0] != 1)
    return std::nullopt;
  auto [it, inserted] = chain.slices.try_emplace(offsets[0], sizes[0]);
  if (!inserted && it->second != sizes[0])
    return std::nullopt;
  return offsets[0];
}

/// Pairwise disjoint after recordSlice merged the equal ones.
static bool areDisjoint(const std::map<int64_t, int64_t> &slices) {
  int64_t end = std::numeric_limits<int64_t>::min();
  for (auto [offset, size] : slices) {
    if (offset < end)
      return false;
    end = offset + size;
  }
  return true;
}

/// Collects the uses of `toTensor` that this pass can split, or nullopt when
/// any use is of another kind.
static std::optional<SliceChain>
analyzeChain(bufferization::ToTensorOp toTensor) {
  Value buffer = toTensor.getBuffer();
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!toTensor.getRestrict() || !type || type.getRank() != 1 ||
      !type.hasStaticShape() || !type.getLayout().isIdentity())
    return std::nullopt;

  SliceChain chain;
  unsigned position = 0;
  for (Value value = toTensor.getResult(); value; ++position) {
    Value next;
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto read = dyn_cast<tensor::ExtractSliceOp>(user)) {
        if (read.getType().getRank() != 1 || !recordSlice(read, chain))
          return std::nullopt;
        chain.reads.push_back({read, position});
        continue;
      }
      auto update = dyn_cast<tensor::InsertSliceOp>(user);
      if (update && &use == &update.getDestMutable() && !next &&
          update.getSourceType().getRank() == 1 &&
          recordSlice(update, chain)) {
        chain.updates.push_back(update);
        next = update.getResult();
        continue;
      }
      auto store = dyn_cast<bufferization::MaterializeInDestinationOp>(user);
      if (store && &use == &store.getSourceMutable() && !chain.store &&
          store.getDest() == buffer && store.getRestrict() &&
          store.getWritable()) {
        chain.store = store;
        continue;
      }
      return std::nullopt;
    }
    // The store must take the end of the chain.
    if (next && chain.store)
      return std::nullopt;
    value = next;
  }
  if (!chain.updates.empty() && !chain.store)
    return std::nullopt;
  // Through any other use, the buffer could see the other slices.
  for (Operation *user : buffer.getUsers())
    if (user != toTensor && user != chain.store)
      return std::nullopt;
  if (!areDisjoint(chain.slices))
    return std::nullopt;
  return chain;
}

static int64_t offsetOf(OffsetSizeAndStrideOpInterface op) {
  return op.getStaticOffsets()[0];
}

/// Rewrites the uses of `toTensor` described by `chain` with one subview and
/// one tensor per slice.
static void splitChain(bufferization::ToTensorOp toTensor, SliceChain &chain) {
  OpBuilder b(toTensor);
  Location loc = toTensor.getLoc();
  Type elementType =
      cast<MemRefType>(toTensor.getBuffer().getType()).getElementType();
  // offset -> the slice's subview, and its value as of the current update.
  DenseMap<int64_t, Value> views, initial;
  for (auto [offset, size] : chain.slices) {
    Value view = memref::SubViewOp::create(
        b, loc, toTensor.getBuffer(),
        ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    views[offset] = view;
    initial[offset] = bufferization::ToTensorOp::create(
        b, loc, RankedTensorType::get({size}, elementType), view,
        /*restrict=*/true, toTensor.getWritable());
  }

  DenseMap<int64_t, Value> current = initial;
  auto read = chain.reads.begin();
  for (unsigned i = 0; i <= chain.updates.size(); ++i) {
    for (; read != chain.reads.end() && read->second == i; ++read) {
      read->first.replaceAllUsesWith(current[offsetOf(read->first)]);
      read->first.erase();
    }
    if (i < chain.updates.size())
      current[offsetOf(chain.updates[i])] = chain.updates[i].getSource();
  }

  if (chain.store) {
    b.setInsertionPoint(chain.store);
    for (auto [offset, size] : chain.slices) {
      if (current[offset] == initial[offset])
        continue;
      auto store = bufferization::MaterializeInDestinationOp::create(
          b, chain.store.getLoc(), current[offset], views[offset]);
      store.setRestrict(true);
      store.setWritable(true);
    }
    chain.store.erase();
  }
  for (tensor::InsertSliceOp update : llvm::reverse(chain.updates))
    update.erase();
  toTensor.erase();
}

/// The uses of a new tensor (`tensor.empty`, or a `linalg.fill` of one)
/// that is built up by a chain of slice writes and then stored whole into
/// a buffer, as the gradient and statistics outputs are.
struct BuiltChain {
  Operation *root;
  /// The fill's value, or null for a bare `tensor.empty`.
  Value fillValue;
  SmallVector<tensor::InsertSliceOp> updates;
  bufferization::MaterializeInDestinationOp store;
  std::map<int64_t, int64_t> slices;
};

/// Collects the chain of slice writes from `root` to its store into a
/// static 1-D buffer that nothing else uses, or nullopt when the tensor has
/// any other use.
static std::optional<BuiltChain> analyzeBuiltChain(Operation *root,
                                                   Value fillValue) {
  BuiltChain chain{root, fillValue, {}, {}, {}};
  SliceChain slices;
  Value value = root->getResult(0);
  while (!chain.store) {
    if (!value.hasOneUse())
      return std::nullopt;
    OpOperand &use = *value.getUses().begin();
    if (auto update = dyn_cast<tensor::InsertSliceOp>(use.getOwner())) {
      if (&use != &update.getDestMutable() ||
          update.getSourceType().getRank() != 1 || !recordSlice(update, slices))
        return std::nullopt;
      chain.updates.push_back(update);
      value = update.getResult();
      continue;
    }
    auto store =
        dyn_cast<bufferization::MaterializeInDestinationOp>(use.getOwner());
    if (!store || !store.getRestrict() || !store.getWritable())
      return std::nullopt;
    chain.store = store;
  }
  Value buffer = chain.store.getDest();
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (chain.updates.empty() || !type || type.getRank() != 1 ||
      !type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !buffer.hasOneUse() || !areDisjoint(slices.slices))
    return std::nullopt;
  chain.slices = std::move(slices.slices);
  return chain;
}

static Value createSubView(OpBuilder &b, Location loc, Value buffer,
                           int64_t offset, int64_t size) {
  return memref::SubViewOp::create(
      b, loc, buffer, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

static void storeInto(OpBuilder &b, Location loc, Value tensor, Value view) {
  auto store =
      bufferization::MaterializeInDestinationOp::create(b, loc, tensor, view);
  store.setRestrict(true);
  store.setWritable(true);
}

/// Stores each slice's last value into its own subview of the buffer, and
/// the fill value into the parts between the slices.
static void splitBuiltChain(BuiltChain &chain) {
  OpBuilder b(chain.store);
  Location loc = chain.store.getLoc();
  Value buffer = chain.store.getDest();
  auto type = cast<MemRefType>(buffer.getType());
  std::map<int64_t, Value> last;
  for (tensor::InsertSliceOp update : chain.updates)
    last[offsetOf(update)] = update.getSource();
  auto fillGap = [&](int64_t begin, int64_t end) {
    if (!chain.fillValue || begin >= end)
      return;
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{end - begin},
                                          type.getElementType());
    Value filled =
        linalg::FillOp::create(b, loc, chain.fillValue, empty).getResult(0);
    storeInto(b, loc, filled, createSubView(b, loc, buffer, begin, end - begin));
  };
  int64_t end = 0;
  for (auto [offset, size] : chain.slices) {
    fillGap(end, offset);
    storeInto(b, loc, last[offset], createSubView(b, loc, buffer, offset, size));
    end = offset + size;
  }
  fillGap(end, type.getDimSize(0));
  chain.store.erase();
  for (tensor::InsertSliceOp update : llvm::reverse(chain.updates))
    update.erase();
  Operation *root = chain.root;
  SmallVector<Value> operands(root->getOperands());
  root->erase();
  for (Value operand : operands)
    if (Operation *def = operand.getDefiningOp<tensor::EmptyOp>())
      if (def->use_empty())
        def->erase();
}

void SplitBufferSlicesPass::runOnOperation() {
  SmallVector<bufferization::ToTensorOp> candidates;
  getOperation().walk(
      [&](bufferization::ToTensorOp op) { candidates.push_back(op); });
  for (bufferization::ToTensorOp toTensor : candidates)
    if (std::optional<SliceChain> chain = analyzeChain(toTensor))
      splitChain(toTensor, *chain);

  SmallVector<std::pair<Operation *, Value>> roots;
  getOperation().walk([&](Operation *op) {
    if (isa<tensor::EmptyOp>(op))
      roots.push_back({op, Value()});
    else if (auto fill = dyn_cast<linalg::FillOp>(op);
             fill && fill.hasPureTensorSemantics() &&
             fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      roots.push_back({op, fill.getInputs()[0]});
  });
  for (auto [root, fillValue] : roots)
    if (std::optional<BuiltChain> chain = analyzeBuiltChain(root, fillValue))
      splitBuiltChain(*chain);
}
