//===- Driver.h - the command line of a compiled model ---------*- C++ -*-===//

#ifndef NNRT_DRIVER_H
#define NNRT_DRIVER_H

#include "runtime/src/Model.h"

namespace nnrt {

/// Runs `argv` (train, eval, predict, info, gradcheck, --help) against
/// `model`. Every error is printed as "error: ..." on stderr; returns the
/// exit code: 0, 1 for a failure, 2 for a usage error.
int runCommandLine(const ModelEntryPoints &model, int argc, char **argv);

} // namespace nnrt

#endif // NNRT_DRIVER_H
