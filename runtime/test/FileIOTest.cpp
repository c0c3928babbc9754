//===- FileIOTest.cpp - atomic writes keep the old file on failure --------===//

#include "runtime/src/FileIO.h"

#include "runtime/test/TestSupport.h"

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

std::vector<uint8_t> bytesOf(const std::string &text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

TEST(FileIOTest, WritesAtomicallyAndLeavesNoTemporary) {
  test::TempDir dir;
  std::string path = dir.path("out.bin");
  test::writeText(path, "old contents");
  std::string a = "hello ", b = "world";
  writeFileAtomically(path, {{a.data(), a.size()}, {b.data(), b.size()}});
  EXPECT_EQ(readFile(path), bytesOf("hello world"));
  EXPECT_EQ(dir.list(), std::vector<std::string>{"out.bin"});
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_NE(info.st_mode & S_IRUSR, 0u);
}

TEST(FileIOTest, FailedWriteKeepsTheOldFile) {
  test::TempDir dir;
  std::string path = dir.path("ckpt");
  test::writeText(path, "the last good checkpoint");
  // A child process whose file size limit makes the write fail half-way,
  // like a full disk.
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {100, 100};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::vector<char> big(4096, 'x');
    try {
      writeFileAtomically(path, {{big.data(), big.size()}});
    } catch (const Error &e) {
      ::_exit(std::string(e.what()).find("cannot write") != std::string::npos
                  ? 0
                  : 2);
    }
    ::_exit(1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the write did not fail as expected";
  EXPECT_EQ(readFile(path), bytesOf("the last good checkpoint"));
  EXPECT_EQ(dir.list(), std::vector<std::string>{"ckpt"});
}

TEST(FileIOTest, FailedRenameKeepsTheTarget) {
  test::TempDir dir;
  std::string path = dir.path("target");
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  test::writeText(path + "/inside", "keep me");
  std::string data = "new";
  EXPECT_THAT(errorMessage([&] {
                writeFileAtomically(path, {{data.data(), data.size()}});
              }),
              HasSubstr("cannot rename the temporary file over it"));
  EXPECT_EQ(readFile(path + "/inside"), bytesOf("keep me"));
  EXPECT_EQ(dir.list(), std::vector<std::string>{"target"});
}

TEST(FileIOTest, ChecksWritabilityEarly) {
  test::TempDir dir;
  EXPECT_THAT(errorMessage([&] { checkWritable(dir.path("no/such/file")); }),
              HasSubstr("cannot write to directory " + dir.path("no/such")));
  EXPECT_THAT(errorMessage([&] { checkWritable(dir.root()); }),
              HasSubstr("is a directory"));
  checkWritable(dir.path("fine"));
}

TEST(FileIOTest, ReadsGzipTransparently) {
  test::TempDir dir;
  test::writeBytes(dir.path("a.gz"), test::gzip(bytesOf("compressed")));
  test::writeText(dir.path("b"), "plain");
  EXPECT_EQ(readMaybeCompressedFile(dir.path("a.gz")), bytesOf("compressed"));
  EXPECT_EQ(readMaybeCompressedFile(dir.path("b")), bytesOf("plain"));
}

TEST(FileIOTest, ReadsEveryGzipMember) {
  test::TempDir dir;
  // What pigz, bgzip and `cat a.gz b.gz` write.
  std::vector<uint8_t> members = test::gzip(bytesOf("one "));
  for (const char *part : {"two ", "three"}) {
    std::vector<uint8_t> member = test::gzip(bytesOf(part));
    members.insert(members.end(), member.begin(), member.end());
  }
  test::writeBytes(dir.path("m.gz"), members);
  EXPECT_EQ(readMaybeCompressedFile(dir.path("m.gz")),
            bytesOf("one two three"));
  // Bytes after the last member that start no member are ignored (zlib's
  // gzread does the same).
  std::vector<uint8_t> padded = members;
  padded.insert(padded.end(), 16, 0);
  test::writeBytes(dir.path("padded.gz"), padded);
  EXPECT_EQ(readMaybeCompressedFile(dir.path("padded.gz")),
            bytesOf("one two three"));
  // A member cut short is still a truncated stream, the first or a later one.
  std::vector<uint8_t> truncated(members.begin(), members.end() - 5);
  test::writeBytes(dir.path("t.gz"), truncated);
  EXPECT_EQ(errorMessage([&] { readMaybeCompressedFile(dir.path("t.gz")); }),
            dir.path("t.gz") + ": truncated gzip stream (the file ends early)");
  std::vector<uint8_t> corrupt = members;
  corrupt[corrupt.size() - 6] ^= 0xff; // Inside the last member's CRC.
  test::writeBytes(dir.path("c.gz"), corrupt);
  EXPECT_THAT(errorMessage([&] { readMaybeCompressedFile(dir.path("c.gz")); }),
              HasSubstr("c.gz: corrupt gzip stream (incorrect data check)"));
}

TEST(FileIOTest, ReadsOnlyRegularFiles) {
  test::TempDir dir;
  // Each of these would hang the reader or fill the memory.
  ASSERT_EQ(::mkfifo(dir.path("fifo").c_str(), 0600), 0);
  EXPECT_EQ(errorMessage([&] { readFile(dir.path("fifo")); }),
            dir.path("fifo") + ": not a regular file (a named pipe)");
  ASSERT_EQ(::symlink("/dev/zero", dir.path("zero").c_str()), 0);
  EXPECT_EQ(errorMessage([&] { readMaybeCompressedFile(dir.path("zero")); }),
            dir.path("zero") + ": not a regular file (a character device)");
  EXPECT_EQ(errorMessage([&] { readFile(dir.root()); }),
            dir.root() + ": not a regular file (a directory)");
  // A symlink to a regular file is read.
  test::writeText(dir.path("real"), "data");
  ASSERT_EQ(::symlink("real", dir.path("link").c_str()), 0);
  EXPECT_EQ(readFile(dir.path("link")), bytesOf("data"));
}

} // namespace
} // namespace nnrt
