//===- MetricsLog.h - one JSON object per line for scripts -----*- C++ -*-===//

#ifndef NNRT_METRICSLOG_H
#define NNRT_METRICSLOG_H

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace nnrt {

/// A JSON Lines file (--metrics). Non-finite numbers are written as null.
/// Each record is flushed at once, so a crash loses nothing written.
class MetricsLog {
public:
  /// Creates or truncates `path`.
  explicit MetricsLog(const std::string &path);
  ~MetricsLog();
  MetricsLog(const MetricsLog &) = delete;
  MetricsLog &operator=(const MetricsLog &) = delete;

  void write(const nlohmann::json &record);

private:
  std::string path;
  std::FILE *file = nullptr;
};

} // namespace nnrt

#endif // NNRT_METRICSLOG_H
