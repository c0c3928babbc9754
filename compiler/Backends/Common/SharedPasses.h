//===- SharedPasses.h - pass sequences every backend shares -*- C++ -*-===//

#ifndef NNC_BACKENDS_COMMON_SHAREDPASSES_H
#define NNC_BACKENDS_COMMON_SHAREDPASSES_H

#include "mlir/Pass/PassManager.h"

namespace nnc {
/// Tensors to buffers for every backend. The ABI functions receive every
/// buffer from the runtime: results are written in place into their argument
/// buffers (empty tensor elimination) and only true temporaries are
/// allocated, left as `memref.alloc` for the backend to place.
void addInPlaceBufferization(mlir::OpPassManager &pm);

/// Buffers, scalar arithmetic, control flow and functions to the LLVM
/// dialect, with the bare-pointer calling convention of
/// runtime/include/nnrt/nnrt.h (one pointer per memref argument). Vectors,
/// GPU ops and the final cast reconciliation are each backend's own.
void addBarePointerLLVMLowering(mlir::OpPassManager &pm);
} // namespace nnc

#endif // NNC_BACKENDS_COMMON_SHAREDPASSES_H
