//===- Strings.cpp - strict number parsing and text helpers ---------------===//

#include "runtime/src/Strings.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace nnrt {

std::optional<int64_t> parseInt(const std::string &text) {
  if (text.empty() || text[0] == ' ' || text[0] == '+')
    return std::nullopt;
  errno = 0;
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return std::nullopt;
  return value;
}

std::optional<double> parseDouble(const std::string &text) {
  // Decimal only: strtod also takes hex ("0x10"), "inf" and "nan".
  if (text.empty() ||
      text.find_first_not_of("0123456789+-.eE") != std::string::npos)
    return std::nullopt;
  errno = 0;
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(value))
    return std::nullopt;
  return value;
}

int64_t firstNonFinite(const float *values, int64_t count) {
  return std::find_if_not(values, values + count,
                          [](float value) { return std::isfinite(value); }) -
         values;
}

std::optional<Shape> parseShape(const std::string &text) {
  Shape shape;
  for (const std::string &dim : split(text, ',')) {
    std::optional<int64_t> value = parseInt(dim);
    if (!value || *value < 1)
      return std::nullopt;
    shape.push_back(*value);
  }
  return shape;
}

std::vector<std::string> split(const std::string &text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      return parts;
    start = end + 1;
  }
}

std::string join(const std::vector<std::string> &parts, const char *separator) {
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i)
    text += (i ? separator : "") + parts[i];
  return text;
}

std::string formatShape(const Shape &shape) {
  std::vector<std::string> dims;
  for (int64_t dim : shape)
    dims.push_back(std::to_string(dim));
  return "[" + join(dims, ", ") + "]";
}

std::string formatIndex(const Shape &shape, int64_t flat) {
  Shape index(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    index[i] = shape[i] ? flat % shape[i] : 0;
    flat = shape[i] ? flat / shape[i] : 0;
  }
  return formatShape(index);
}

int64_t numElements(const Shape &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

std::string formatFloat(float value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

std::string formatString(const char *pattern, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof(buffer), pattern, args);
  va_end(args);
  return buffer;
}

std::string formatBytes(double bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), unit ? "%.1f %s" : "%.0f %s", bytes,
                units[unit]);
  return buffer;
}

} // namespace nnrt
