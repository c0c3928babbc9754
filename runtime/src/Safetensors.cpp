//===- Safetensors.cpp - the safetensors file format ----------------------===//

#include "runtime/src/Safetensors.h"

#include "runtime/src/Error.h"
#include "runtime/src/FileIO.h"

#include <algorithm>
#include <nlohmann/json.hpp>

// Tensor data is copied as is: the format and the state are little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "libnnrt assumes a little-endian machine");

namespace nnrt {

using nlohmann::json;

namespace {

/// Bytes of one element of each dtype of the format.
int64_t dtypeSize(const std::string &dtype) {
  static const std::map<std::string, int64_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"F64", 8}, {"I64", 8},     {"U64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

/// A header entry is trusted only after every field was checked.
SafetensorsEntry parseEntry(const std::string &name, const json &value,
                            uint64_t dataSize, const std::string &path) {
  auto fail = [&](const std::string &what) -> Error {
    return Error(path, "tensor " + name + ": " + what);
  };
  if (!value.is_object())
    throw fail("header entry is not a JSON object");
  for (const char *key : {"dtype", "shape", "data_offsets"})
    if (!value.contains(key))
      throw fail(std::string("header entry has no \"") + key + "\"");
  SafetensorsEntry entry;
  if (!value["dtype"].is_string() ||
      dtypeSize(value["dtype"].get<std::string>()) == 0)
    throw fail("unknown dtype " + value["dtype"].dump());
  entry.dtype = value["dtype"].get<std::string>();
  const json &shape = value["shape"];
  if (!shape.is_array())
    throw fail("shape is not an array");
  uint64_t count = 1;
  for (const json &dim : shape) {
    if (!dim.is_number_unsigned())
      throw fail("shape " + shape.dump() + " has a non-integer dimension");
    uint64_t d = dim.get<uint64_t>();
    entry.shape.push_back(static_cast<int64_t>(d));
    count = d && count > UINT64_MAX / d ? UINT64_MAX : count * d;
  }
  const json &offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 ||
      !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
    throw fail("data_offsets is not [begin, end]");
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  if (entry.begin > entry.end || entry.end > dataSize)
    throw fail("data offsets [" + std::to_string(entry.begin) + ", " +
               std::to_string(entry.end) + "] are outside the data section (" +
               std::to_string(dataSize) + " bytes)");
  uint64_t size = static_cast<uint64_t>(dtypeSize(entry.dtype));
  uint64_t needed = count > UINT64_MAX / size ? UINT64_MAX : count * size;
  if (entry.end - entry.begin != needed)
    throw fail("data offsets span " + std::to_string(entry.end - entry.begin) +
               " bytes, " + entry.dtype + " " + formatShape(entry.shape) +
               " needs " + std::to_string(needed));
  return entry;
}

} // namespace

SafetensorsFile readSafetensors(const std::string &path) {
  SafetensorsFile file;
  file.path = path;
  file.bytes = readFile(path);
  const std::vector<uint8_t> &bytes = file.bytes;
  if (bytes.size() < 8)
    throw Error(path, "not a safetensors file: shorter than its 8-byte "
                      "header length");
  uint64_t headerLength = 0;
  for (int i = 7; i >= 0; --i)
    headerLength = headerLength << 8 | bytes[i];
  if (headerLength > bytes.size() - 8)
    throw Error(path, "header length " + std::to_string(headerLength) +
                          " exceeds the file size (" +
                          std::to_string(bytes.size()) + " bytes)");
  file.dataStart = 8 + headerLength;
  json header = json::parse(bytes.begin() + 8, bytes.begin() + file.dataStart,
                            /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded())
    throw Error(path, "the header is not valid JSON");
  if (!header.is_object())
    throw Error(path, "the header is not a JSON object");

  uint64_t dataSize = bytes.size() - file.dataStart;
  std::vector<const SafetensorsEntry *> byOffset;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object())
        throw Error(path, "__metadata__ is not a JSON object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string())
          throw Error(path, "__metadata__ value of \"" + m.key() +
                                "\" is not a string");
        file.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    auto inserted = file.tensors.emplace(
        it.key(), parseEntry(it.key(), it.value(), dataSize, path));
    byOffset.push_back(&inserted.first->second);
  }
  std::sort(byOffset.begin(), byOffset.end(),
            [](const SafetensorsEntry *a, const SafetensorsEntry *b) {
              return a->begin < b->begin;
            });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i]->begin < byOffset[i - 1]->end)
      throw Error(path, "tensors overlap in the data section");
  return file;
}

void writeSafetensors(const std::string &path,
                      const std::vector<TensorToWrite> &tensors,
                      const Metadata &metadata) {
  json header = json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  std::vector<ByteRange> pieces(1);
  for (const TensorToWrite &t : tensors) {
    uint64_t size = static_cast<uint64_t>(numElements(t.shape)) * 4;
    header[t.name] = {{"dtype", "F32"},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + size}}};
    pieces.push_back({t.data, size});
    offset += size;
  }
  std::string headerText = header.dump();
  // Pad with spaces so that the data section is 8-byte aligned, like the
  // reference implementation.
  headerText.append((8 - headerText.size() % 8) % 8, ' ');
  std::string prefix(8, '\0');
  for (int i = 0; i < 8; ++i)
    prefix[i] = static_cast<char>(uint64_t(headerText.size()) >> (8 * i));
  prefix += headerText;
  pieces[0] = {prefix.data(), prefix.size()};
  writeFileAtomically(path, pieces);
}

} // namespace nnrt
