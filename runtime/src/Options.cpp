//===- Options.cpp - command-line options of a subcommand -----------------===//

#include "runtime/src/Options.h"

#include "runtime/src/Error.h"
#include "runtime/src/Strings.h"

#include <cstdint>

namespace nnrt {

std::optional<int64_t> Options::count(const std::string &name) const {
  auto it = values.find(name);
  return it == values.end() ? std::nullopt : parseInt(it->second);
}

std::optional<double> Options::number(const std::string &name) const {
  auto it = values.find(name);
  return it == values.end() ? std::nullopt : parseDouble(it->second);
}

std::optional<std::string> Options::text(const std::string &name) const {
  auto it = values.find(name);
  if (it == values.end())
    return std::nullopt;
  return it->second;
}

std::vector<std::string> Options::list(const std::string &name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>()
                            : split(it->second, ',');
}

namespace {

void checkValue(const OptionSpec &spec, const std::string &value) {
  std::string option = std::string("--") + spec.name;
  switch (spec.kind) {
  case OptionKind::Count: {
    std::optional<int64_t> n = parseInt(value);
    if (!n && !value.empty() &&
        value.find_first_not_of("0123456789") == std::string::npos)
      throw UsageError(option, "'" + value + "' is too large (at most " +
                                   std::to_string(INT64_MAX) + ")");
    if (!n || *n < 0)
      throw UsageError(option, "'" + value + "' is not an integer >= 0");
    break;
  }
  case OptionKind::Number: {
    std::optional<double> x = parseDouble(value);
    if (!x || *x < 0)
      throw UsageError(option, "'" + value + "' is not a finite number >= 0");
    break;
  }
  case OptionKind::List:
    for (const std::string &name : split(value, ','))
      if (name.empty())
        throw UsageError(option, "'" + value + "' has an empty name");
    break;
  case OptionKind::Text:
  case OptionKind::InputFile:
  case OptionKind::OutputFile:
  case OptionKind::DataDirectory:
    if (value.empty())
      throw UsageError(option, "empty value");
    break;
  case OptionKind::Flag:
    break;
  }
}

const OptionSpec kHelp{"help", OptionKind::Flag, nullptr,
                       "show this help and exit"};

} // namespace

Options parseOptions(const std::string &command,
                     const std::vector<OptionSpec> &specs,
                     const std::vector<std::string> &args) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "-h")
      return parseOptions(command, specs, {"--help"});
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      throw UsageError(command, "unexpected argument '" + arg + "'");
    size_t equals = arg.find('=');
    std::string name = arg.substr(
        2, equals == std::string::npos ? std::string::npos : equals - 2);
    const OptionSpec *spec = name == "help" ? &kHelp : nullptr;
    for (const OptionSpec &candidate : specs)
      if (name == candidate.name)
        spec = &candidate;
    if (!spec) {
      std::vector<std::string> known;
      for (const OptionSpec &candidate : specs)
        known.push_back(std::string("--") + candidate.name);
      known.push_back("--help");
      throw UsageError("--" + name, "unknown option for '" + command +
                                        "'; its options are " +
                                        join(known, ", "));
    }
    std::string value;
    if (spec->kind == OptionKind::Flag) {
      if (equals != std::string::npos)
        throw UsageError("--" + name, "takes no value");
    } else if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size() && args[i + 1].compare(0, 2, "--") != 0) {
      // "--save --epochs 3" is a forgotten value, not a file "--epochs".
      value = args[++i];
    } else {
      throw UsageError("--" + name,
                       std::string("needs a value (") + spec->valueName + ")");
    }
    checkValue(*spec, value);
    auto [it, inserted] = options.values.emplace(name, value);
    if (!inserted) {
      if (spec->kind != OptionKind::List)
        throw UsageError("--" + name, "given more than once");
      it->second += "," + value;
    }
  }
  return options;
}

std::string describeOptions(const std::vector<OptionSpec> &specs) {
  std::string text;
  for (const OptionSpec &spec : specs) {
    std::string left = std::string("  --") + spec.name;
    if (spec.valueName)
      left += std::string(" ") + spec.valueName;
    left.resize(std::max<size_t>(left.size() + 2, 22), ' ');
    text += left + spec.help + "\n";
  }
  return text;
}

} // namespace nnrt
