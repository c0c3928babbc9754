//===- Options.h - command-line options of a subcommand --------*- C++ -*-===//
//
// Options are "--name value", "--name=value" or "--flag". Each subcommand
// declares the options it accepts; anything else is a usage error that lists
// them. Values are checked when parsed, so commands read them without
// further validation.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_OPTIONS_H
#define NNRT_OPTIONS_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nnrt {

enum class OptionKind {
  Flag,   // No value.
  Count,  // An integer >= 0.
  Number, // A finite number >= 0.
  Text,   // Any non-empty string (a path).
  List,   // Comma-separated names; may be repeated, the lists add up.
  // Text naming a file that the command reads or writes: the driver checks
  // that no output is the same file as an input or another output.
  InputFile,
  OutputFile,
  DataDirectory, // A data set's directory: its files are inputs.
};

struct OptionSpec {
  const char *name; // Without the leading "--".
  OptionKind kind;
  const char *valueName; // "N", "FILE", ... for --help; null for flags.
  const char *help;
  /// For an OutputFile: the InputFile option whose file it may replace
  /// (train's --save continuing a --resume run in place), else null.
  const char *mayReplace = nullptr;
};

class Options {
public:
  bool has(const std::string &name) const { return values.count(name); }
  std::optional<int64_t> count(const std::string &name) const;
  std::optional<double> number(const std::string &name) const;
  std::optional<std::string> text(const std::string &name) const;
  std::vector<std::string> list(const std::string &name) const;

private:
  friend Options parseOptions(const std::string &command,
                              const std::vector<OptionSpec> &specs,
                              const std::vector<std::string> &args);
  std::map<std::string, std::string> values;
};

/// Parses `args` (after the subcommand). "--help" is always accepted.
/// Throws UsageError naming the offending option.
Options parseOptions(const std::string &command,
                     const std::vector<OptionSpec> &specs,
                     const std::vector<std::string> &args);

/// "  --lr X          learning rate ..." lines for --help.
std::string describeOptions(const std::vector<OptionSpec> &specs);

} // namespace nnrt

#endif // NNRT_OPTIONS_H
