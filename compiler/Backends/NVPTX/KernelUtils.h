//===- KernelUtils.h - helpers shared by the NVPTX loop passes --*- C++ -*-===//

#ifndef NNC_BACKENDS_NVPTX_KERNELUTILS_H
#define NNC_BACKENDS_NVPTX_KERNELUTILS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"

#include <limits>
#include <optional>

namespace nnc::nvptx {

/// Iterations of each dimension of `loop`; null when one is not static.
std::optional<llvm::SmallVector<int64_t>>
getTripCounts(mlir::scf::ParallelOp loop);

/// Iterations of all dimensions of `loop` together (its threads once it is
/// a kernel); null when one is not static.
std::optional<int64_t> getThreadCount(mlir::scf::ParallelOp loop);

/// Iterations of `loop`; null when not static.
std::optional<int64_t> getTripCount(mlir::scf::ForOp loop);

/// Makes `loop` (static trip counts `trips`, no results) one-dimensional:
/// the new index runs over all iterations, the innermost dimension fastest,
/// and is split back into the old indices (`affine.delinearize_index`).
/// gpu-map-parallel-loops maps at most three dimensions to threads and runs
/// the others one after another in each thread: a 4-D loop over
/// 128x16x14x14 became blocks of 14 threads that looped 14 times.
mlir::scf::ParallelOp linearize(mlir::RewriterBase &rewriter,
                                mlir::scf::ParallelOp loop,
                                llvm::ArrayRef<int64_t> trips);

/// The buffer that `value` is a view of.
mlir::Value getRootBuffer(mlir::Value value);

/// The kernel that `op` is part of: its outermost enclosing `scf.parallel`
/// (a loop that becomes a kernel) or `gpu.launch` (a tiled matmul); null on
/// the host.
mlir::Operation *getKernel(mlir::Operation *op);

/// Elements [begin, end) of a buffer (`root`, as getRootBuffer), read or
/// written.
struct BufferAccess {
  mlir::Value root;
  int64_t begin = 0, end = std::numeric_limits<int64_t>::max();
  bool write = false;
};

/// What `op` (a kernel, or a host operation) reads and writes, appended to
/// `out`: whole buffers, or the static element ranges of views of a
/// one-dimensional buffer (the tensors of the state). False when it cannot
/// tell (an operation with unknown effects).
bool collectAccesses(mlir::Operation *op,
                     llvm::SmallVectorImpl<BufferAccess> &out);

/// Whether two sets of accesses touch a common element, one of them writing.
bool conflict(llvm::ArrayRef<BufferAccess> a, llvm::ArrayRef<BufferAccess> b);

/// Bytes of parameters that a kernel may take in PTX ISA 8.0, which the
/// kernels are written in (ptxas: "uses too much parameter space (...,
/// 0x1100 max)"); ISA 8.1 (CUDA 12.1) raised it to 32764.
constexpr int64_t kMaxKernelParameterBytes = 4352;

/// Bytes of parameters that a kernel takes, at most: 8 for each (a pointer
/// under the bare-pointer convention, or a scalar).
int64_t parameterBytes(int64_t parameters);

/// Whether one kernel taking the parameters of both `a` and `b` (each
/// getKernelParameters of a kernel) stays within kMaxKernelParameterBytes.
bool parametersFit(const llvm::SetVector<mlir::Value> &a,
                   const llvm::SetVector<mlir::Value> &b);

/// Bytes of the parameters of these types, each at its natural alignment
/// (as PTX lays out a kernel's parameter space).
int64_t parameterBytes(mlir::TypeRange types);

/// The values from above `kernel` (a loop that becomes a kernel) that its
/// outlined kernel takes as parameters: all but constants, which outlining
/// sinks into it.
llvm::SetVector<mlir::Value> getKernelParameters(mlir::Operation *kernel);

/// A `gpu.alloc` of `type` at the builder's insertion point.
mlir::Value allocateOnDevice(mlir::OpBuilder &builder, mlir::Location loc,
                             mlir::MemRefType type);

/// Device memory for the whole call of `func`: allocated at its start, freed
/// before each of its returns (the runtime's allocator caches the blocks).
mlir::Value allocateForFunction(mlir::RewriterBase &rewriter,
                                mlir::func::FuncOp func, mlir::MemRefType type,
                                mlir::Location loc);

} // namespace nnc::nvptx

#endif // NNC_BACKENDS_NVPTX_KERNELUTILS_H
