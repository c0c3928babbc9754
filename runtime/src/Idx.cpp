//===- Idx.cpp - the IDX format of (Fashion-)MNIST ------------------------===//

#include "runtime/src/Idx.h"

#include "runtime/src/Error.h"
#include "runtime/src/FileIO.h"

#include <cstdio>

namespace nnrt {

namespace {
uint32_t readBigEndian32(const uint8_t *bytes) {
  return uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 |
         uint32_t(bytes[2]) << 8 | uint32_t(bytes[3]);
}
} // namespace

IdxArray parseIdx(const std::vector<uint8_t> &bytes, const std::string &path) {
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) {
    char magic[32] = "(file shorter than 4 bytes)";
    if (bytes.size() >= 4)
      std::snprintf(magic, sizeof(magic), "0x%08x", readBigEndian32(&bytes[0]));
    throw Error(path,
                std::string("not an IDX file: bad magic number ") + magic);
  }
  if (bytes[2] != 0x08) {
    char type[8];
    std::snprintf(type, sizeof(type), "0x%02x", bytes[2]);
    throw Error(path, std::string("IDX element type ") + type +
                          " is not supported (only 0x08, unsigned byte)");
  }
  size_t rank = bytes[3];
  size_t headerSize = 4 + 4 * rank;
  if (rank == 0)
    throw Error(path, "IDX array of rank 0");
  if (bytes.size() < headerSize)
    throw Error(path, "truncated IDX header (" + std::to_string(rank) +
                          " dimensions announced, file has " +
                          std::to_string(bytes.size()) + " bytes)");
  IdxArray array;
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    uint32_t dim = readBigEndian32(&bytes[4 + 4 * i]);
    array.dims.push_back(dim);
    // Saturate: a huge product is reported as a size mismatch below.
    count = dim && count > UINT64_MAX / dim ? UINT64_MAX : count * dim;
  }
  uint64_t available = bytes.size() - headerSize;
  if (available != count)
    throw Error(path, (available < count ? "truncated: " : "corrupt: ") +
                          std::string("dimensions ") + formatShape(array.dims) +
                          " need " + std::to_string(count) +
                          " data bytes, file has " + std::to_string(available));
  array.data.assign(bytes.begin() + headerSize, bytes.end());
  return array;
}

IdxArray readIdx(const std::string &path) {
  return parseIdx(readMaybeCompressedFile(path), path);
}

} // namespace nnrt
