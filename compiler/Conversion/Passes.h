//===- Passes.h - nnc conversion passes -------------------------*- C++ -*-===//

#ifndef NNC_CONVERSION_PASSES_H
#define NNC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace nnc {
#define GEN_PASS_DECL
#include "compiler/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Conversion/Passes.h.inc"
} // namespace nnc

#endif // NNC_CONVERSION_PASSES_H
