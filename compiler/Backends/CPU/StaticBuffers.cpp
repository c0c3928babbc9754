//===- StaticBuffers.cpp - temporaries of static shape as globals ---------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"

#include <deque>

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUSTATICBUFFERSPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUStaticBuffersPass
    : nnc::cpu::impl::CPUStaticBuffersPassBase<CPUStaticBuffersPass> {
  void runOnOperation() override;
};

/// A static temporary and the positions (in one order of all functions'
/// entry-block ops) from its allocation to its last use.
struct Temporary {
  memref::AllocOp alloc;
  int64_t bytes;
  uint64_t first, last;
};

/// Globals that temporaries of disjoint lifetimes share, each as a view of
/// its bytes; the largest comes first.
struct Slot {
  SmallVector<Temporary *> temporaries;
  bool isFree(const Temporary &t) const {
    return llvm::all_of(temporaries, [&](const Temporary *other) {
      return t.last < other->first || other->last < t.first;
    });
  }
};
} // namespace

/// Bytes of a buffer of `type`, or nullopt for an element type that a byte
/// buffer cannot view (i1, index).
static std::optional<int64_t> byteSize(MemRefType type) {
  Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * (element.getIntOrFloatBitWidth() / 8);
}

/// The entry-block position of the last op that may use the buffer of
/// `alloc` through any alias (views, casts, the results of loops it is
/// yielded from), or nullopt when it escapes the function.
static std::optional<uint64_t>
lastUse(memref::AllocOp alloc, Block &entry,
        const DenseMap<Operation *, uint64_t> &position) {
  uint64_t last = position.lookup(alloc);
  SmallVector<Value> aliases{alloc.getResult()};
  DenseSet<Value> seen{alloc.getResult()};
  auto addAliases = [&](ValueRange values) {
    for (Value value : values)
      if (isa<BaseMemRefType>(value.getType()) && seen.insert(value).second)
        aliases.push_back(value);
  };
  while (!aliases.empty()) {
    Value alias = aliases.pop_back_val();
    for (Operation *user : alias.getUsers()) {
      Operation *top = entry.findAncestorOpInBlock(*user);
      if (!top || isa<func::ReturnOp>(user))
        return std::nullopt;
      last = std::max(last, position.lookup(top));
      addAliases(user->getResults());
      // A terminator hands it to the op around it (scf.yield: the loop's
      // results).
      if (user->hasTrait<OpTrait::IsTerminator>() && user != top)
        addAliases(user->getParentOp()->getResults());
    }
  }
  return last;
}

/// Replaces `alloc` with a view of the byte buffer `global`.
static void replaceWithView(IRRewriter &rewriter, memref::AllocOp alloc,
                            memref::GlobalOp global) {
  rewriter.setInsertionPoint(alloc);
  Location loc = alloc.getLoc();
  Value bytes =
      memref::GetGlobalOp::create(rewriter, loc, global.getType(),
                                  global.getSymName());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  rewriter.replaceOpWithNewOp<memref::ViewOp>(alloc, alloc.getType(), bytes,
                                              zero, ValueRange{});
}

void CPUStaticBuffersPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  IRRewriter rewriter(&getContext());
  // The entry points run one at a time and call no other function of the
  // module, so one order of all their entry-block ops tells which
  // temporaries are never live together, also across functions. A call
  // between them would make the callee's temporaries live during the call:
  // then each function gets its own globals.
  bool callsBetween = false;
  module.walk([&](CallOpInterface call) {
    auto callee = dyn_cast_if_present<SymbolRefAttr>(call.getCallableForCallee());
    auto func = callee ? symbols.lookup<func::FuncOp>(callee.getRootReference())
                       : func::FuncOp();
    if (!callee || (func && !func.isExternal()))
      callsBetween = true;
  });

  std::deque<Temporary> temporaries;
  SmallVector<memref::AllocOp> alone;
  DenseMap<Operation *, uint64_t> position;
  uint64_t next = 0;
  SmallVector<Slot> slots;
  auto assignSlots = [&] {
    SmallVector<Temporary *> order;
    for (Temporary &t : temporaries)
      order.push_back(&t);
    llvm::stable_sort(order, [](const Temporary *a, const Temporary *b) {
      return a->bytes > b->bytes;
    });
    for (Temporary *t : order) {
      auto slot = llvm::find_if(slots, [&](Slot &s) { return s.isFree(*t); });
      if (slot == slots.end())
        slot = slots.insert(slots.end(), Slot());
      slot->temporaries.push_back(t);
    }
  };
  auto createGlobal = [&](Location loc, MemRefType type,
                          IntegerAttr alignment) {
    rewriter.setInsertionPointToStart(module.getBody());
    auto global = memref::GlobalOp::create(
        rewriter, loc, "__nnc_buffer", rewriter.getStringAttr("private"), type,
        rewriter.getUnitAttr(), /*constant=*/false, alignment);
    symbols.insert(global);
    return global;
  };
  auto rewriteSlots = [&] {
    for (Slot &slot : slots) {
      if (slot.temporaries.size() == 1) {
        alone.push_back(slot.temporaries.front()->alloc);
        continue;
      }
      int64_t alignment = 64;
      for (Temporary *t : slot.temporaries)
        alignment = std::max<int64_t>(alignment,
                                      t->alloc.getAlignment().value_or(1));
      memref::AllocOp largest = slot.temporaries.front()->alloc;
      memref::GlobalOp global = createGlobal(
          largest.getLoc(),
          MemRefType::get({slot.temporaries.front()->bytes},
                          rewriter.getI8Type()),
          rewriter.getI64IntegerAttr(alignment));
      for (Temporary *t : slot.temporaries)
        replaceWithView(rewriter, t->alloc, global);
    }
    slots.clear();
    temporaries.clear();
  };

  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    // Only the entry block: an allocation inside a loop may be live in two
    // iterations at once (e.g. yielded to the next one).
    Block &entry = func.getBody().front();
    for (Operation &op : entry)
      position[&op] = next++;
    for (auto alloc : entry.getOps<memref::AllocOp>()) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity())
        continue;
      // Deallocations end nothing: the buffer stays.
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      std::optional<int64_t> bytes = byteSize(type);
      std::optional<uint64_t> last = lastUse(alloc, entry, position);
      if (!bytes || !last) {
        alone.push_back(alloc);
        continue;
      }
      temporaries.push_back({alloc, *bytes, position[alloc], *last});
    }
    if (callsBetween) {
      assignSlots();
      rewriteSlots();
    }
  }
  assignSlots();
  rewriteSlots();

  for (memref::AllocOp alloc : alone) {
    MemRefType type = alloc.getType();
    memref::GlobalOp global =
        createGlobal(alloc.getLoc(), type, alloc.getAlignmentAttr());
    rewriter.setInsertionPoint(alloc);
    rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(alloc, type,
                                                     global.getSymName());
  }
}
