//===- Idx.h - the IDX format of (Fashion-)MNIST ---------------*- C++ -*-===//
//
// IDX: magic 0x00 0x00 <type> <rank>, then `rank` big-endian uint32
// dimensions, then the data. Only unsigned bytes (type 0x08) are read: that
// is what image and label files hold. Files may be gzip-compressed.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_IDX_H
#define NNRT_IDX_H

#include "runtime/src/Strings.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

struct IdxArray {
  Shape dims;
  std::vector<uint8_t> data;
};

/// Parses IDX `bytes` read from `path` (for messages); strict about size.
IdxArray parseIdx(const std::vector<uint8_t> &bytes, const std::string &path);

/// Reads an IDX file, gzip-compressed or not.
IdxArray readIdx(const std::string &path);

} // namespace nnrt

#endif // NNRT_IDX_H
