//===- FileClash.cpp - no output overwrites an input ----------------------===//

#include "runtime/src/FileClash.h"

#include "runtime/src/Error.h"
#include "runtime/src/Strings.h"

#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace nnrt {

namespace {

/// `path` made absolute, without empty, "." and ".." components (purely
/// textual: for paths whose directory does not exist).
std::string lexicallyNormalized(const std::string &path) {
  std::string absolute = path;
  char cwd[PATH_MAX];
  if (path[0] != '/' && ::getcwd(cwd, sizeof(cwd)))
    absolute = std::string(cwd) + "/" + path;
  std::vector<std::string> parts;
  for (const std::string &part : split(absolute, '/')) {
    if (part == "..") {
      if (!parts.empty())
        parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
  }
  return "/" + join(parts, "/");
}

} // namespace

std::string fileIdentity(const std::string &path) {
  struct stat info;
  if (::stat(path.c_str(), &info) == 0)
    return "inode " + std::to_string(info.st_dev) + ":" +
           std::to_string(info.st_ino);
  size_t slash = path.rfind('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  std::string dir =
      slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (!name.empty() && name != "." && name != "..") {
    if (char *real = ::realpath(dir.c_str(), nullptr)) {
      std::string resolved = real;
      std::free(real);
      return "path " + (resolved == "/" ? "" : resolved) + "/" + name;
    }
  }
  return "path " + lexicallyNormalized(path);
}

void checkFileClashes(const std::vector<FileUse> &inputs,
                      const std::vector<FileUse> &outputs) {
  std::vector<std::string> inputIds, outputIds;
  for (const FileUse &input : inputs)
    inputIds.push_back(fileIdentity(input.path));
  for (const FileUse &output : outputs) {
    std::string id = fileIdentity(output.path);
    std::string subject = output.option + " " + output.path;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (id == inputIds[i] && inputs[i].option != output.mayReplace)
        throw UsageError(subject, "is the same file as " + inputs[i].option +
                                      " " + inputs[i].path +
                                      " (an output may not overwrite an "
                                      "input)");
    for (size_t i = 0; i < outputIds.size(); ++i)
      if (id == outputIds[i])
        throw UsageError(subject, "is the same file as " + outputs[i].option +
                                      " " + outputs[i].path +
                                      " (each output needs a file of its "
                                      "own)");
    outputIds.push_back(id);
  }
}

} // namespace nnrt
