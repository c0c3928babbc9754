//===- Session.cpp - what every subcommand starts from --------------------===//

#include "runtime/src/Session.h"

#include "runtime/src/Error.h"
#include "runtime/src/Initialize.h"
#include "runtime/src/ThreadPool.h"

#include <cstdio>

namespace nnrt {

int64_t defaultSeed(const Session &s) {
  if (std::optional<int64_t> seed = s.options.count("seed"))
    return *seed;
  return static_cast<int64_t>(s.manifest.hparam("seed").value_or(0));
}

std::vector<float> initialState(const Manifest &m, int64_t seed,
                                const TensorFilter &skip) {
  std::vector<float> state(m.stateSize, 0.0f);
  for (size_t i = 0; i < m.tensors.size(); ++i)
    if (!skip(m.tensors[i].name))
      initializeTensor(m, i, seed, state.data());
  return state;
}

std::vector<float> loadOrInitialize(const Session &s, bool warnUntrained) {
  if (std::optional<std::string> path = s.options.text("load")) {
    std::vector<float> state(s.manifest.stateSize, 0.0f);
    loadCheckpoint(*path, s.manifest, state.data());
    return state;
  }
  int64_t seed = defaultSeed(s);
  if (warnUntrained)
    std::fprintf(stderr,
                 "warning: no --load: using the untrained initial weights of "
                 "seed %lld\n",
                 static_cast<long long>(seed));
  return initialState(s.manifest, seed,
                      [](const std::string &) { return false; });
}

Dataset loadData(const Session &s, Split split) {
  std::optional<std::string> dir = s.options.text("data");
  return loadSplit(dir.value_or(kDefaultDataDir), split, s.manifest,
                   !dir.has_value());
}

namespace {
bool tensorMatches(const std::string &name, const std::string &pattern) {
  return name.compare(0, pattern.size(), pattern) == 0 &&
         (name.size() == pattern.size() || name[pattern.size()] == '.');
}
} // namespace

TensorFilter selectTensors(const Manifest &m,
                           const std::vector<std::string> &patterns,
                           const std::string &option) {
  for (const std::string &pattern : patterns) {
    bool found = false;
    for (const TensorInfo &t : m.tensors)
      found = found || tensorMatches(t.name, pattern);
    if (!found)
      throw UsageError(option, "no tensor is named " + pattern + " or " +
                                   pattern + ".*");
  }
  return [patterns](const std::string &name) {
    for (const std::string &pattern : patterns)
      if (tensorMatches(name, pattern))
        return true;
    return false;
  };
}

void applyThreads(const Options &options, bool onGpu) {
  std::optional<int64_t> requested = options.count("threads");
  if (!requested) {
    if (onGpu)
      setThreadCount(kGpuThreads);
    return;
  }
  if (*requested < 1)
    throw UsageError("--threads", "must be at least 1");
  if (*requested > kMaxThreads)
    throw UsageError("--threads",
                     "must be at most " + std::to_string(kMaxThreads));
  setThreadCount(static_cast<int>(*requested));
}

} // namespace nnrt
