//===- StaticBuffers.cpp - temporaries of static shape as globals ---------===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/IR/SymbolTable.h"

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
} // namespace

void CPUStaticBuffersPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  IRRewriter rewriter(&getContext());
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    // Only the entry block: an allocation inside a loop may be live in two
    // iterations at once (e.g. yielded to the next one).
    for (auto alloc : llvm::make_early_inc_range(
             func.getBody().front().getOps<memref::AllocOp>())) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity())
        continue;
      rewriter.setInsertionPointToStart(module.getBody());
      auto global = memref::GlobalOp::create(
          rewriter, alloc.getLoc(), "__nnc_buffer",
          rewriter.getStringAttr("private"), type,
          rewriter.getUnitAttr(), /*constant=*/false,
          alloc.getAlignmentAttr());
      symbols.insert(global);
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.setInsertionPoint(alloc);
      rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(alloc, type,
                                                       global.getSymName());
    }
  }
}
