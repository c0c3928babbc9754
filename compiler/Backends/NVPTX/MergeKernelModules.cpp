//===- MergeKernelModules.cpp - one gpu.module for all kernels ------------===//

#include "compiler/Backends/NVPTX/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXMERGEKERNELMODULESPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXMergeKernelModulesPass
    : nnc::nvptx::impl::NVPTXMergeKernelModulesPassBase<
          NVPTXMergeKernelModulesPass> {
  void runOnOperation() override;
};
} // namespace

static constexpr StringLiteral kMergedModule = "nnc_kernels";

void NVPTXMergeKernelModulesPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<gpu::GPUModuleOp> sources(module.getOps<gpu::GPUModuleOp>());
  if (sources.empty())
    return;
  OpBuilder builder(sources.front());
  auto merged =
      gpu::GPUModuleOp::create(builder, sources.front().getLoc(), kMergedModule);
  SymbolTable(module).insert(merged);
  SymbolTable mergedSymbols(merged);

  // (old module, old function) -> new function name in the merged module.
  DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
  for (gpu::GPUModuleOp source : sources) {
    for (Operation &op : llvm::make_early_inc_range(*source.getBody())) {
      auto symbol = dyn_cast<SymbolOpInterface>(op);
      if (!symbol)
        continue;
      StringAttr oldName = symbol.getNameAttr();
      auto func = dyn_cast<gpu::GPUFuncOp>(op);
      // Kernels take their module's (unique) name; helpers stay as they are
      // (the symbol table renames them on a clash).
      if (func && func.isKernel())
        symbol.setName(source.getSymNameAttr());
      op.moveBefore(merged.getBody(), merged.getBody()->end());
      renamed[{source.getSymNameAttr(), oldName}] =
          mergedSymbols.insert(&op);
    }
    source.erase();
  }

  module.walk([&](gpu::LaunchFuncOp launch) {
    auto it = renamed.find({launch.getKernelModuleName(),
                            launch.getKernelName()});
    assert(it != renamed.end() && "launch of a kernel that was not outlined");
    launch.setKernelAttr(SymbolRefAttr::get(
        merged.getSymNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
  });
}
