//===- FileClash.h - no output overwrites an input -------------*- C++ -*-===//
//
// `train --resume d.st --metrics d.st` would truncate the checkpoint it
// resumes from, and `diagnose --json r --plot r` would keep only the plot.
// Before any work, every command checks that each file it writes is none of
// the files it reads and none of the other files it writes.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_FILECLASH_H
#define NNRT_FILECLASH_H

#include <string>
#include <vector>

namespace nnrt {

/// A file that a command reads or writes, and the option that names it.
struct FileUse {
  std::string option; // "--save"; "--data" for the files of the data set.
  std::string path;
  /// For an output: the option of an input that it may replace (train's
  /// --save may name the --resume file), else empty.
  std::string mayReplace = {};
};

/// What makes two paths the same file: device and inode for an existing
/// file; for one that does not exist (yet), its absolute path with the
/// directory's symlinks, "." and ".." resolved.
std::string fileIdentity(const std::string &path);

/// Throws a UsageError naming both options and both paths when an output
/// is the same file as an input or as another output.
void checkFileClashes(const std::vector<FileUse> &inputs,
                      const std::vector<FileUse> &outputs);

} // namespace nnrt

#endif // NNRT_FILECLASH_H
