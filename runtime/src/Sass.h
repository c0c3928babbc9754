//===- Sass.h - the kernels' machine code linked by nnc ---------*- C++ -*-===//
//
// nnc links the kernels' machine code (a cubin, assembled from their PTX by
// ptxas for --gpu-arch) into a GPU model as the nnc_sass_* symbols of
// nnrt.h. These read it; in executables without it (CPU models, nnc
// --gpu-sass=false) there is none.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SASS_H
#define NNRT_SASS_H

#include <string>

namespace nnrt::sass {
/// The cubin, when the executable has one.
const void *image();

/// Whether the cubin was assembled from `ptx` (NUL-terminated text).
bool assembledFrom(const char *ptx);

/// Its architecture, "sm_90" (read from its ELF header); empty without one.
std::string architecture();
} // namespace nnrt::sass

#endif // NNRT_SASS_H
