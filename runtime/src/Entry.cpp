//===- Entry.cpp - nnrt_main: binds the compiled model to the runtime -----===//
//
// The only file of the runtime that refers to the nnc_* symbols, so that
// everything else links without a model (the unit tests do).
//
//===----------------------------------------------------------------------===//

#include "runtime/include/nnrt/nnrt.h"
#include "runtime/src/Driver.h"

// Only gradcheck builds define these; elsewhere their addresses are null.
#pragma weak nnc_gradient
#pragma weak nnc_loss_f64
#pragma weak nnc_hvp
// Older objects lack it.
#pragma weak nnc_diagnose

int nnrt_main(int argc, char **argv) {
  nnrt::ModelEntryPoints model{nnc_manifest, nnc_train_step, nnc_predict,
                               nnc_gradient, nnc_loss_f64,
                               /*syncState=*/nullptr, nnc_hvp, nnc_diagnose};
  return nnrt::runCommandLine(model, argc, argv);
}
