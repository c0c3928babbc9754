//===- MetricsLog.cpp - one JSON object per line for scripts --------------===//

#include "runtime/src/MetricsLog.h"

#include "runtime/src/Error.h"

#include <cerrno>
#include <cstring>

namespace nnrt {

MetricsLog::MetricsLog(const std::string &path)
    : path(path), file(std::fopen(path.c_str(), "w")) {
  if (!file)
    throw Error(path, std::string("cannot create: ") + std::strerror(errno));
}

MetricsLog::~MetricsLog() {
  if (file)
    std::fclose(file);
}

void MetricsLog::write(const nlohmann::json &record) {
  std::string line = record.dump() + "\n";
  if (std::fputs(line.c_str(), file) == EOF || std::fflush(file) != 0)
    throw Error(path, std::string("cannot write: ") + std::strerror(errno));
}

} // namespace nnrt
