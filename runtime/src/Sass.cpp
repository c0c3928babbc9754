//===- Sass.cpp - the kernels' machine code linked by nnc -----------------===//

#include "runtime/src/Sass.h"

#include "runtime/include/nnrt/nnrt.h"

#include <cstring>

// Weak, so that executables without them see null.
extern "C" {
__attribute__((weak)) extern const unsigned char nnc_sass_image[];
__attribute__((weak)) extern const uint64_t nnc_sass_image_bytes;
__attribute__((weak)) extern const uint64_t nnc_sass_ptx_hash;
}

namespace {
bool linked() {
  return nnc_sass_image && &nnc_sass_image_bytes && &nnc_sass_ptx_hash;
}
} // namespace

const void *nnrt::sass::image() { return linked() ? nnc_sass_image : nullptr; }

bool nnrt::sass::assembledFrom(const char *ptx) {
  return linked() && nnrt_hash_ptx(ptx, std::strlen(ptx)) == nnc_sass_ptx_hash;
}

std::string nnrt::sass::architecture() {
  // An ELF64 header is 64 bytes; e_flags (at 48) holds the architecture in
  // bits 8-15 from the CUDA ELF ABI version 8 (byte 8) on, in bits 0-7
  // before.
  if (!linked() || nnc_sass_image_bytes < 64)
    return "";
  uint32_t flags;
  std::memcpy(&flags, nnc_sass_image + 48, sizeof(flags));
  unsigned sm = nnc_sass_image[8] >= 8 ? (flags >> 8) & 0xff : flags & 0xff;
  return "sm_" + std::to_string(sm);
}
