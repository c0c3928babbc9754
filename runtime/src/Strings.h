//===- Strings.h - strict number parsing and text helpers ------*- C++ -*-===//
//
// The manifest, the command line and checkpoint metadata are text; these
// helpers parse numbers strictly (the whole string, no overflow) so that a
// typo is an error rather than a silent 0.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_STRINGS_H
#define NNRT_STRINGS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnrt {

using Shape = std::vector<int64_t>;

std::optional<int64_t> parseInt(const std::string &text);
/// Finite values only.
std::optional<double> parseDouble(const std::string &text);
/// "d0,d1,..." with every dimension >= 1.
std::optional<Shape> parseShape(const std::string &text);

std::vector<std::string> split(const std::string &text, char separator);
std::string join(const std::vector<std::string> &parts, const char *separator);

/// "[256, 784]" for messages.
std::string formatShape(const Shape &shape);
/// "[1, 2]": the position of element `flat` (C order) of `shape`.
std::string formatIndex(const Shape &shape, int64_t flat);
/// The position of the first NaN or infinity in `values[0..count)`;
/// `count` when all are finite.
int64_t firstNonFinite(const float *values, int64_t count);
/// Product of the dimensions; 1 for a scalar.
int64_t numElements(const Shape &shape);
/// Shortest text that reads back as the same float ("%.9g").
std::string formatFloat(float value);
/// printf into a std::string (up to 1 KiB).
std::string formatString(const char *pattern, ...)
    __attribute__((format(printf, 1, 2)));
/// "12.3 MiB", "512 B".
std::string formatBytes(double bytes);

} // namespace nnrt

#endif // NNRT_STRINGS_H
