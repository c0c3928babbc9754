//===- PtxParams.h - a kernel's parameter sizes, read off its PTX -*- C++ -*-===//
//
// cuLaunchKernel takes a kernel's parameters as an array of pointers to
// their values and copies as many bytes of each as the kernel declares; a
// launch recorded for later (StepGraph.h) must copy them itself, so it must
// know those sizes. The compiled code does not say them, but the PTX that it
// embeds does: `.param .u64 .ptr .align 1 k_param_0`, `.param .f32
// k_param_1`, `.param .align 8 .b8 k_param_2[16]`.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_PTXPARAMS_H
#define NNRT_PTXPARAMS_H

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace nnrt::cuda {

/// The size in bytes of each parameter of `.entry <kernel>` in the PTX text
/// `ptx`, in order; nullopt when there is no such entry or a parameter
/// declaration is not one that this reader knows.
std::optional<std::vector<uint32_t>> ptxParamSizes(std::string_view ptx,
                                                   std::string_view kernel);

} // namespace nnrt::cuda

#endif // NNRT_PTXPARAMS_H
