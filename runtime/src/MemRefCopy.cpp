//===- MemRefCopy.cpp - memrefCopy for compiled code ----------------------===//
//
// MLIR lowers a memref.copy between non-contiguous memrefs to a call to
// `memrefCopy`, which upstream lives in libmlir_c_runner_utils.so. Compiled
// models must not depend on LLVM's shared libraries, so libnnrt provides it
// (same signature and semantics as mlir/ExecutionEngine/CRunnerUtils.h), in
// an archive member of its own: a model that defines it keeps its own.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

/// MLIR's UnrankedMemRefType: the rank and a pointer to a ranked descriptor
/// {T *allocated; T *aligned; int64_t offset, sizes[rank], strides[rank]}.
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

struct StridedView {
  char *data; // The aligned pointer.
  int64_t offset;
  const int64_t *sizes;
  const int64_t *strides;
};

StridedView viewOf(const UnrankedMemRef &memref) {
  const auto *words = static_cast<const int64_t *>(memref.descriptor);
  char *aligned;
  std::memcpy(&aligned, words + 1, sizeof(aligned));
  return {aligned, words[2], words + 3, words + 3 + memref.rank};
}

} // namespace

extern "C" void memrefCopy(int64_t elemSize, UnrankedMemRef *srcArg,
                           UnrankedMemRef *dstArg) {
  int64_t rank = srcArg->rank;
  StridedView src = viewOf(*srcArg), dst = viewOf(*dstArg);
  char *from = src.data + src.offset * elemSize;
  char *to = dst.data + dst.offset * elemSize;
  if (rank == 0) {
    std::memcpy(to, from, elemSize);
    return;
  }
  for (int64_t d = 0; d < rank; ++d)
    if (src.sizes[d] == 0)
      return;
  // Odometer over all indices but the innermost, which is copied as a row
  // (one memcpy when both rows are contiguous).
  int64_t last = rank - 1, rowLength = src.sizes[last];
  bool contiguousRows = src.strides[last] == 1 && dst.strides[last] == 1;
  std::vector<int64_t> index(rank, 0);
  while (true) {
    if (contiguousRows) {
      std::memmove(to, from, rowLength * elemSize);
    } else {
      for (int64_t i = 0; i < rowLength; ++i)
        std::memmove(to + i * dst.strides[last] * elemSize,
                     from + i * src.strides[last] * elemSize, elemSize);
    }
    int64_t d = last - 1;
    for (; d >= 0; --d) {
      from += src.strides[d] * elemSize;
      to += dst.strides[d] * elemSize;
      if (++index[d] < src.sizes[d])
        break;
      from -= src.strides[d] * src.sizes[d] * elemSize;
      to -= dst.strides[d] * src.sizes[d] * elemSize;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
