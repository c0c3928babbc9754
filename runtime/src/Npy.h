//===- Npy.h - NumPy's .npy array files ------------------------*- C++ -*-===//
//
// Reads little-endian, C-order float32, uint8, int32 and int64 arrays
// (format versions 1.0, 2.0 and 3.0) and writes float32 arrays (1.0).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_NPY_H
#define NNRT_NPY_H

#include "runtime/src/Strings.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

enum class NpyType { F32, U8, I32, I64 };

const char *npyTypeName(NpyType type);

struct NpyArray {
  NpyType type = NpyType::F32;
  Shape shape;
  std::vector<uint8_t> data; // Little-endian elements, C order.

  int64_t count() const { return numElements(shape); }
  /// Element `i` converted to double.
  double at(int64_t i) const;
};

NpyArray parseNpy(const std::vector<uint8_t> &bytes, const std::string &path);
NpyArray readNpy(const std::string &path);
/// Writes atomically (FileIO.h).
void writeNpy(const std::string &path, const Shape &shape, const float *data);

} // namespace nnrt

#endif // NNRT_NPY_H
