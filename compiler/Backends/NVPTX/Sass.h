//===- Sass.h - the kernels' PTX assembled by ptxas for one GPU -*- C++ -*-===//
//
// The CUDA driver compiles a model's PTX each time the program starts (a
// second or more for the few hundred kernels of a training step, its
// Hessian-vector products and diagnostics). nnc assembles the PTX with the
// toolkit's ptxas for --gpu-arch instead, while the host code is generated,
// and links the machine code into the executable as the nnc_sass_* symbols
// of runtime/include/nnrt/nnrt.h. A ptxas that fails (a PTX it rejects, an
// architecture its toolkit dropped) leaves PTX only, with a warning, or
// stops the compile when --gpu-sass is given explicitly.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_BACKENDS_NVPTX_SASS_H
#define NNC_BACKENDS_NVPTX_SASS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace nnc {
/// ptxas assembling one PTX text in the background.
class SassAssembly {
public:
  /// Starts `ptxas -arch=<arch> -O3` on `ptx` (written to a temporary file).
  static llvm::Expected<std::unique_ptr<SassAssembly>>
  start(llvm::StringRef ptxas, llvm::StringRef ptx, llvm::StringRef arch);
  /// Waits for ptxas: the cubin, or an error with ptxas's messages.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> finish();
  /// The hash of the PTX (nnrt_hash_ptx), which the runtime compares.
  uint64_t ptxHash() const { return hash; }
  /// Waits for a ptxas still running, then removes the temporary files.
  ~SassAssembly();

private:
  SassAssembly() = default;
  llvm::sys::ProcessInfo process;
  bool running = false;
  std::string ptxFile, cubinFile, logFile;
  uint64_t hash = 0;
};

/// A module for `machine` that defines nnc_sass_image (the cubin),
/// nnc_sass_image_bytes and nnc_sass_ptx_hash (runtime/include/nnrt/nnrt.h).
std::unique_ptr<llvm::Module> createSassModule(const llvm::MemoryBuffer &cubin,
                                               uint64_t ptxHash,
                                               llvm::LLVMContext &context,
                                               const llvm::TargetMachine &machine);
} // namespace nnc

#endif // NNC_BACKENDS_NVPTX_SASS_H
