//===- Linker.h - link a compiled model with libnnrt ------------*- C++ -*-===//

#ifndef NNC_DRIVER_LINKER_H
#define NNC_DRIVER_LINKER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace nnc {
/// `<directory of the nnc executable>/../lib/libnnrt.a`, where both the build
/// tree and an installation put the runtime.
std::string getDefaultRuntimeLibrary(const char *argv0);

/// Links `objectFiles` and the static runtime `runtimeLib` into the
/// executable `outputFile` with the system's C++ compiler driver (the runtime
/// is C++). The linker's own messages go to stderr. Returns false and sets
/// `error` when no driver is found or the link fails.
/// `exportSymbols` makes the executable's symbols visible to dlsym (the
/// CUDA emulator finds emulated kernels so).
bool linkExecutable(llvm::ArrayRef<std::string> objectFiles,
                    llvm::StringRef runtimeLib, llvm::StringRef outputFile,
                    std::string &error, bool exportSymbols = false);
} // namespace nnc

#endif // NNC_DRIVER_LINKER_H
