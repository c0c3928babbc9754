//===- Registration.h - dialects and passes nnc knows -----------*- C++ -*-===//

#ifndef NNC_PIPELINES_REGISTRATION_H
#define NNC_PIPELINES_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace nnc {
/// Registers every dialect, interface, pass and named pipeline nnc uses, so
/// that `nnc-opt` can reproduce any stage of `nnc`.
void registerAll(mlir::DialectRegistry &registry);
} // namespace nnc

#endif // NNC_PIPELINES_REGISTRATION_H
