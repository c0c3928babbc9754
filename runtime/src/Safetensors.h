//===- Safetensors.h - the safetensors file format -------------*- C++ -*-===//
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of
// JSON header and the raw tensor data. The header maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
// data section) and may hold "__metadata__", a map of strings. This module
// reads and writes the format; Checkpoint.h maps it onto a model's state.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SAFETENSORS_H
#define NNRT_SAFETENSORS_H

#include "runtime/src/Strings.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nnrt {

using Metadata = std::map<std::string, std::string>;

struct SafetensorsEntry {
  std::string dtype; // "F32", "F16", "I64", ...
  Shape shape;       // May contain zeros; empty for a scalar.
  uint64_t begin = 0, end = 0;
};

struct SafetensorsFile {
  std::string path;
  std::map<std::string, SafetensorsEntry> tensors;
  Metadata metadata;
  std::vector<uint8_t> bytes; // The whole file.
  size_t dataStart = 0;

  const uint8_t *data(const SafetensorsEntry &entry) const {
    return bytes.data() + dataStart + entry.begin;
  }
};

/// Reads and validates the structure of a file: header length within the
/// file, well-formed JSON, every entry complete, data offsets inside the
/// data section, consistent with dtype and shape, and not overlapping.
SafetensorsFile readSafetensors(const std::string &path);

struct TensorToWrite {
  std::string name;
  Shape shape;
  const float *data;
};

/// Writes F32 tensors in the given order, atomically (FileIO.h).
void writeSafetensors(const std::string &path,
                      const std::vector<TensorToWrite> &tensors,
                      const Metadata &metadata);

} // namespace nnrt

#endif // NNRT_SAFETENSORS_H
