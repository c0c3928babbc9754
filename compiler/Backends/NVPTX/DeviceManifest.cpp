//===- DeviceManifest.cpp - the device record of the manifest -------------===//

#include "compiler/Backends/NVPTX/Passes.h"

namespace nnc::nvptx {
#define GEN_PASS_DEF_NVPTXDEVICEMANIFESTPASS
#include "compiler/Backends/NVPTX/Passes.h.inc"
} // namespace nnc::nvptx

using namespace mlir;

namespace {
struct NVPTXDeviceManifestPass
    : nnc::nvptx::impl::NVPTXDeviceManifestPassBase<NVPTXDeviceManifestPass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

void NVPTXDeviceManifestPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto manifest = module.lookupSymbol<LLVM::GlobalOp>("nnc_manifest");
  auto text = manifest ? dyn_cast_or_null<StringAttr>(manifest.getValueOrNull())
                       : StringAttr();
  if (!text) {
    module.emitError("no nnc_manifest string: the NVPTX backend compiles the "
                     "output of nn-to-linalg");
    return signalPassFailure();
  }
  // The string is the C array: its records, then the terminating NUL.
  StringRef records = text.getValue();
  if (!records.consume_back(StringRef("\0", 1))) {
    manifest.emitError("nnc_manifest is not NUL-terminated");
    return signalPassFailure();
  }
  std::string updated =
      (records + "device cuda " + chip + "\n" + StringRef("\0", 1)).str();
  manifest.setValueAttr(StringAttr::get(&getContext(), updated));
  manifest.setGlobalTypeAttr(TypeAttr::get(LLVM::LLVMArrayType::get(
      IntegerType::get(&getContext(), 8), updated.size())));
}
