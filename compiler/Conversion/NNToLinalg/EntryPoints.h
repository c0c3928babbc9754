//===- EntryPoints.h - the ABI functions and manifest of a model -*- C++ -*-===//

#ifndef NNC_CONVERSION_NNTOLINALG_ENTRYPOINTS_H
#define NNC_CONVERSION_NNTOLINALG_ENTRYPOINTS_H

#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"

#include "mlir/IR/BuiltinOps.h"

namespace nnc {
/// The nn-level functions that nn-autodiff and nn-optimizer left in a model.
struct ModelFunctions {
  mlir::func::FuncOp trainStep, predict, gradient, loss;
};

/// One generated entry point and how it reaches the state.
struct Entry {
  mlir::func::FuncOp func;
  StateAccess access;
};

/// The manifest text of docs/abi.md.
mlir::FailureOr<std::string> buildManifest(mlir::nn::ModelOp model,
                                           const StateLayout &layout,
                                           ModelFunctions funcs,
                                           bool gradcheck);

/// `nnc_manifest` as an exported, NUL-terminated constant.
void emitManifestGlobal(mlir::ModuleOp module, llvm::StringRef text);

/// Creates nnc_train_step, nnc_predict and nnc_diagnose (and with `gradcheck`,
/// nnc_gradient and nnc_loss_f64) in `module`, their bodies the nn
/// functions' inlined; the nn ops in them are lowered afterwards.
mlir::FailureOr<llvm::SmallVector<Entry>>
buildEntryPoints(mlir::ModuleOp module, const StateLayout &layout,
                 ModelFunctions funcs, bool gradcheck);

/// nnc_gradient alone, which nnc_hvp is derived from.
mlir::FailureOr<Entry> buildGradientEntry(mlir::ModuleOp module,
                                          const StateLayout &layout,
                                          mlir::func::FuncOp gradient);
} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_ENTRYPOINTS_H
