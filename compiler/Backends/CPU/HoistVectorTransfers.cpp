//===- HoistVectorTransfers.cpp - keep accumulator tiles in registers -----===//

#include "compiler/Backends/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"

namespace nnc::cpu {
#define GEN_PASS_DEF_CPUHOISTVECTORTRANSFERSPASS
#include "compiler/Backends/CPU/Passes.h.inc"
} // namespace nnc::cpu

using namespace mlir;

namespace {
struct CPUHoistVectorTransfersPass
    : nnc::cpu::impl::CPUHoistVectorTransfersPassBase<
          CPUHoistVectorTransfersPass> {
  void runOnOperation() override {
    linalg::hoistRedundantVectorTransfers(getOperation());
  }
};
} // namespace
