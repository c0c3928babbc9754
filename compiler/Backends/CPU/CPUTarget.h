//===- CPUTarget.h - LLVM IR and object files for the host ------*- C++ -*-===//
//
// The last stage of the CPU backend: LLVM dialect -> LLVM IR, optimized at
// O3 for one CPU, -> object file. Everything runs in process.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_BACKENDS_CPU_CPUTARGET_H
#define NNC_BACKENDS_CPU_CPUTARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace nnc {
/// Creates the target machine for the host triple and `cpu` (an LLVM CPU name
/// such as `znver4`, as for `clang -mcpu`); an empty `cpu` means the host CPU
/// with every feature it reports, like `-march=native`. Returns null and sets
/// `error` when LLVM does not know the target or the CPU.
std::unique_ptr<llvm::TargetMachine>
createCPUTargetMachine(llvm::StringRef cpu, std::string &error);

/// Translates `module` (LLVM dialect only) to LLVM IR for `machine` and runs
/// LLVM's O3 pipeline on it. Returns null after emitting a diagnostic on
/// failure.
std::unique_ptr<llvm::Module>
translateToOptimizedLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                           llvm::TargetMachine &machine);

/// Writes `module` as an object file to `os`. Returns false and sets `error`
/// when the target cannot emit object files.
bool emitObjectFile(llvm::Module &module, llvm::TargetMachine &machine,
                    llvm::raw_pwrite_stream &os, std::string &error);
} // namespace nnc

#endif // NNC_BACKENDS_CPU_CPUTARGET_H
