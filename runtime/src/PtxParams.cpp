//===- PtxParams.cpp - a kernel's parameter sizes, read off its PTX -------===//

#include "runtime/src/PtxParams.h"

#include <cctype>
#include <charconv>

namespace nnrt::cuda {

namespace {

bool isIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         c == '.';
}

/// The text between the parentheses of `.entry <kernel>(...)`.
std::optional<std::string_view> parameterList(std::string_view ptx,
                                              std::string_view kernel) {
  constexpr std::string_view kEntry = ".entry";
  for (size_t at = ptx.find(kEntry); at != std::string_view::npos;
       at = ptx.find(kEntry, at + kEntry.size())) {
    size_t name = at + kEntry.size();
    while (name < ptx.size() && std::isspace(static_cast<unsigned char>(ptx[name])))
      ++name;
    if (ptx.compare(name, kernel.size(), kernel) != 0)
      continue;
    size_t after = name + kernel.size();
    if (after < ptx.size() && isIdentifierChar(ptx[after]))
      continue;
    while (after < ptx.size() && std::isspace(static_cast<unsigned char>(ptx[after])))
      ++after;
    if (after >= ptx.size() || ptx[after] != '(')
      return std::nullopt;
    size_t close = ptx.find(')', after);
    if (close == std::string_view::npos)
      return std::nullopt;
    return ptx.substr(after + 1, close - after - 1);
  }
  return std::nullopt;
}

/// The bytes of a PTX fundamental type: .u64 -> 8, .b8 -> 1, .f16 -> 2.
std::optional<uint32_t> typeBytes(std::string_view type) {
  if (type.size() < 3 || type[0] != '.' ||
      std::string_view("usbf").find(type[1]) == std::string_view::npos)
    return std::nullopt;
  uint32_t bits = 0;
  auto [end, error] =
      std::from_chars(type.data() + 2, type.data() + type.size(), bits);
  if (error != std::errc() || end != type.data() + type.size() ||
      (bits != 8 && bits != 16 && bits != 32 && bits != 64))
    return std::nullopt;
  return bits / 8;
}

/// The size of one declaration: `.param [.align N] .type [.ptr ...] name[M]`.
std::optional<uint32_t> declarationBytes(std::string_view declaration) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < declaration.size()) {
    while (at < declaration.size() &&
           std::isspace(static_cast<unsigned char>(declaration[at])))
      ++at;
    size_t end = at;
    while (end < declaration.size() &&
           !std::isspace(static_cast<unsigned char>(declaration[end])))
      ++end;
    if (end > at)
      words.push_back(declaration.substr(at, end - at));
    at = end;
  }
  if (words.size() < 3 || words[0] != ".param")
    return std::nullopt;
  std::optional<uint32_t> bytes;
  for (size_t i = 1; i + 1 < words.size() && !bytes; ++i)
    bytes = typeBytes(words[i]);
  if (!bytes)
    return std::nullopt;
  // An aggregate: `name[M]`, M elements of the type.
  std::string_view name = words.back();
  size_t open = name.find('[');
  if (open == std::string_view::npos)
    return bytes;
  uint32_t count = 0;
  auto [end, error] = std::from_chars(name.data() + open + 1,
                                      name.data() + name.size(), count);
  if (error != std::errc() || end != name.data() + name.size() - 1 ||
      *end != ']')
    return std::nullopt;
  return *bytes * count;
}

} // namespace

std::optional<std::vector<uint32_t>> ptxParamSizes(std::string_view ptx,
                                                   std::string_view kernel) {
  std::optional<std::string_view> list = parameterList(ptx, kernel);
  if (!list)
    return std::nullopt;
  std::vector<uint32_t> sizes;
  bool empty = list->find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (empty)
    return sizes;
  size_t at = 0;
  for (;;) {
    size_t comma = list->find(',', at);
    std::optional<uint32_t> bytes = declarationBytes(
        list->substr(at, comma == std::string_view::npos ? comma : comma - at));
    if (!bytes)
      return std::nullopt;
    sizes.push_back(*bytes);
    if (comma == std::string_view::npos)
      return sizes;
    at = comma + 1;
  }
}

} // namespace nnrt::cuda
