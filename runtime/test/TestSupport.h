//===- TestSupport.h - helpers shared by the runtime's tests ---*- C++ -*-===//

#ifndef NNRT_TEST_TESTSUPPORT_H
#define NNRT_TEST_TESTSUPPORT_H

#include "runtime/src/Error.h"
#include "runtime/src/Strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt::test {

using testing::HasSubstr;

/// A fresh directory, removed with its contents at the end of the test.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  /// `name` inside the directory.
  std::string path(const std::string &name) const { return dir + "/" + name; }
  const std::string &root() const { return dir; }
  /// Names of the files in the directory, sorted.
  std::vector<std::string> list() const;

private:
  std::string dir;
};

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes);
void writeText(const std::string &path, const std::string &text);
std::vector<uint8_t> gzip(const std::vector<uint8_t> &bytes);
/// An IDX file of unsigned bytes.
std::vector<uint8_t> idxBytes(const Shape &dims,
                              const std::vector<uint8_t> &data);

/// The message of the nnrt::Error that `body` throws; a test failure if it
/// throws none.
template <typename Body> std::string errorMessage(Body &&body) {
  try {
    body();
  } catch (const Error &e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an nnrt::Error";
  return "";
}

/// A small valid manifest: a classifier with batch 4, input [4, 6],
/// 3 classes, tensors w [3, 6] (normal), b [3] (constant 0.5) and a buffer
/// s [2] (uniform).
extern const char *const kSmallManifest;

} // namespace nnrt::test

#endif // NNRT_TEST_TESTSUPPORT_H
