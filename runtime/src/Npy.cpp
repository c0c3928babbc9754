//===- Npy.cpp - NumPy's .npy array files ---------------------------------===//

#include "runtime/src/Npy.h"

#include "runtime/src/Error.h"
#include "runtime/src/FileIO.h"

#include <cstring>

// .npy and the state are both little-endian: data is copied as is.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "libnnrt assumes a little-endian machine");

namespace nnrt {

namespace {
size_t npyTypeSize(NpyType type) {
  switch (type) {
  case NpyType::U8:
    return 1;
  case NpyType::I64:
    return 8;
  default:
    return 4;
  }
}
} // namespace

const char *npyTypeName(NpyType type) {
  switch (type) {
  case NpyType::F32:
    return "float32";
  case NpyType::U8:
    return "uint8";
  case NpyType::I32:
    return "int32";
  case NpyType::I64:
    return "int64";
  }
  return "?";
}

double NpyArray::at(int64_t i) const {
  const uint8_t *element = data.data() + i * npyTypeSize(type);
  switch (type) {
  case NpyType::F32: {
    float value;
    std::memcpy(&value, element, 4);
    return value;
  }
  case NpyType::U8:
    return *element;
  case NpyType::I32: {
    int32_t value;
    std::memcpy(&value, element, 4);
    return value;
  }
  case NpyType::I64: {
    int64_t value;
    std::memcpy(&value, element, 8);
    return static_cast<double>(value);
  }
  }
  return 0;
}

namespace {

const char kMagic[] = "\x93NUMPY";

/// The header is a Python dict literal, e.g.
///   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
/// This returns the text of the value of `key`, up to the next top-level
/// comma or the closing brace.
std::string dictValue(const std::string &header, const std::string &key,
                      const std::string &path) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    throw Error(path, "npy header has no '" + key + "'");
  at = header.find(':', at);
  if (at == std::string::npos)
    throw Error(path, "malformed npy header");
  size_t end = at + 1;
  int depth = 0;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  std::string value = header.substr(at + 1, end - at - 1);
  size_t first = value.find_first_not_of(" ");
  size_t last = value.find_last_not_of(" ");
  return first == std::string::npos ? ""
                                    : value.substr(first, last - first + 1);
}

NpyType parseDescr(const std::string &descr, const std::string &path) {
  if (descr == "'<f4'")
    return NpyType::F32;
  if (descr == "'|u1'" || descr == "'<u1'")
    return NpyType::U8;
  if (descr == "'<i4'")
    return NpyType::I32;
  if (descr == "'<i8'")
    return NpyType::I64;
  throw Error(path, "npy dtype " + descr +
                        " is not supported (float32, uint8, int32 or int64, "
                        "little-endian)");
}

Shape parseTuple(const std::string &tuple, const std::string &path) {
  if (tuple.size() < 2 || tuple.front() != '(' || tuple.back() != ')')
    throw Error(path, "malformed npy shape " + tuple);
  Shape shape;
  for (std::string dim : split(tuple.substr(1, tuple.size() - 2), ',')) {
    dim.erase(0, dim.find_first_not_of(' '));
    dim.erase(dim.find_last_not_of(' ') + 1);
    if (dim.empty())
      continue; // "(3,)" has an empty last element.
    std::optional<int64_t> value = parseInt(dim);
    if (!value || *value < 0)
      throw Error(path, "malformed npy shape " + tuple);
    shape.push_back(*value);
  }
  return shape;
}

uint32_t readLittleEndian(const uint8_t *bytes, int size) {
  uint32_t value = 0;
  for (int i = size - 1; i >= 0; --i)
    value = value << 8 | bytes[i];
  return value;
}

} // namespace

NpyArray parseNpy(const std::vector<uint8_t> &bytes, const std::string &path) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, 6) != 0)
    throw Error(path, "not an npy file (bad magic)");
  int major = bytes[6];
  if (major < 1 || major > 3)
    throw Error(path, "npy format version " + std::to_string(major) +
                          " is not supported");
  // Version 1 has a 2-byte header length, later versions 4 bytes.
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lengthBytes)
    throw Error(path, "truncated npy header");
  size_t headerStart = 8 + lengthBytes;
  size_t headerLength = readLittleEndian(&bytes[8], int(lengthBytes));
  if (headerLength > bytes.size() - headerStart)
    throw Error(path, "truncated npy header");
  std::string header(bytes.begin() + headerStart,
                     bytes.begin() + headerStart + headerLength);

  NpyArray array;
  array.type = parseDescr(dictValue(header, "descr", path), path);
  if (dictValue(header, "fortran_order", path) != "False")
    throw Error(path, "Fortran-order npy arrays are not supported (save "
                      "with numpy.ascontiguousarray)");
  array.shape = parseTuple(dictValue(header, "shape", path), path);

  size_t dataStart = headerStart + headerLength;
  uint64_t needed = npyTypeSize(array.type);
  for (int64_t dim : array.shape)
    needed = dim && needed > UINT64_MAX / dim ? UINT64_MAX : needed * dim;
  uint64_t available = bytes.size() - dataStart;
  if (available != needed)
    throw Error(
        path, std::string(available < needed ? "truncated" : "corrupt") +
                  ": shape " + formatShape(array.shape) + " of " +
                  npyTypeName(array.type) + " needs " + std::to_string(needed) +
                  " data bytes, file has " + std::to_string(available));
  array.data.assign(bytes.begin() + dataStart, bytes.end());
  return array;
}

NpyArray readNpy(const std::string &path) {
  return parseNpy(readFile(path), path);
}

void writeNpy(const std::string &path, const Shape &shape, const float *data) {
  std::string dims;
  for (int64_t dim : shape)
    dims += std::to_string(dim) + ", ";
  if (!shape.empty()) // "(3, 4)" and "(3,)".
    dims.erase(dims.size() - (shape.size() > 1 ? 2 : 1));
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that the data starts 64-byte aligned, end with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 65535)
    throw Error(path, "npy header too long");
  std::string prefix(kMagic, 6);
  prefix += '\x01';
  prefix += '\x00';
  prefix += static_cast<char>(header.size() & 0xff);
  prefix += static_cast<char>(header.size() >> 8);
  prefix += header;
  writeFileAtomically(path, {{prefix.data(), prefix.size()},
                             {data, size_t(numElements(shape)) * 4}});
}

} // namespace nnrt
