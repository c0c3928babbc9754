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

#include "llvm/ADT/ArrayRef.h"

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

/// Splits `module` into one partition per path (whole functions, balanced by
/// size; its local symbols become hidden ones) and writes each as an object file, in parallel: code generation
/// dominates the compile time of deep models, and a training step is one
/// large function plus many small loop bodies. Each thread gets its own
/// context and a target machine made by createCPUTargetMachine(`cpu`). The
/// objects together link like the single object of emitObjectFile. Returns
/// false and sets `error` on failure.
bool emitObjectFilesInParallel(llvm::Module &module, llvm::StringRef cpu,
                               llvm::ArrayRef<std::string> paths,
                               std::string &error);
} // namespace nnc

#endif // NNC_BACKENDS_CPU_CPUTARGET_H
