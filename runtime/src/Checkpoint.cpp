//===- Checkpoint.cpp - the state as a safetensors file -------------------===//

#include "runtime/src/Checkpoint.h"

#include "runtime/src/Error.h"

#include <cstdio>
#include <cstring>
#include <set>

namespace nnrt {

namespace {
bool endsWith(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
} // namespace

void saveCheckpoint(const std::string &path, const Manifest &m,
                    const float *state, const Metadata &metadata) {
  std::vector<TensorToWrite> tensors;
  for (const TensorInfo &t : m.tensors)
    tensors.push_back({t.name, t.shape, state + t.offset});
  writeSafetensors(path, tensors, metadata);
}

void loadTensors(const SafetensorsFile &file, const Manifest &m, float *state,
                 const TensorFilter &skip) {
  auto model = file.metadata.find("model");
  if (model != file.metadata.end() && model->second != m.model)
    std::fprintf(stderr,
                 "warning: %s: saved from model %s, loading into model %s\n",
                 file.path.c_str(), model->second.c_str(), m.model.c_str());
  std::set<std::string> known;
  for (const TensorInfo &t : m.tensors) {
    known.insert(t.name);
    if (skip(t.name))
      continue;
    auto it = file.tensors.find(t.name);
    if (it == file.tensors.end())
      throw Error(file.path, "tensor " + t.name + " is missing");
    const SafetensorsEntry &entry = it->second;
    if (entry.dtype != "F32")
      throw Error(file.path, "tensor " + t.name + ": dtype " + entry.dtype +
                                 ", expected F32");
    if (entry.shape != t.shape)
      throw Error(file.path, "tensor " + t.name + ": shape " +
                                 formatShape(entry.shape) +
                                 " in the file, the model expects " +
                                 formatShape(t.shape));
    std::memcpy(state + t.offset, file.data(entry), entry.end - entry.begin);
    // Caught here, a NaN is named by its file; later it is only a NaN loss.
    const float *values = state + t.offset;
    int64_t bad = firstNonFinite(values, t.numel());
    if (bad != t.numel())
      throw Error(file.path, "tensor " + t.name + ": element " +
                                 formatIndex(t.shape, bad) + " is " +
                                 formatFloat(values[bad]) +
                                 ", not a finite number");
  }
  std::vector<std::string> unknown;
  for (const auto &[name, entry] : file.tensors)
    if (!known.count(name) && !skip(name) &&
        !endsWith(name, ".num_batches_tracked"))
      unknown.push_back(name);
  if (!unknown.empty())
    throw Error(file.path, "tensor(s) not in model " + m.model + ": " +
                               join(unknown, ", "));
}

SafetensorsFile loadCheckpoint(const std::string &path, const Manifest &m,
                               float *state) {
  SafetensorsFile file = readSafetensors(path);
  loadTensors(file, m, state, [](const std::string &) { return false; });
  return file;
}

} // namespace nnrt
