//===- FileClashTest.cpp - outputs never overwrite inputs -----------------===//

#include "runtime/src/FileClash.h"

#include "runtime/test/TestSupport.h"

#include <sys/stat.h>
#include <unistd.h>

namespace nnrt {
namespace {

using test::errorMessage;

TEST(FileClashTest, AnExistingFileByAnyName) {
  test::TempDir dir;
  std::string file = dir.path("ck.st");
  test::writeText(file, "checkpoint");
  ASSERT_EQ(::mkdir(dir.path("sub").c_str(), 0755), 0);
  ASSERT_EQ(::link(file.c_str(), dir.path("hard.st").c_str()), 0);
  ASSERT_EQ(::symlink(file.c_str(), dir.path("soft.st").c_str()), 0);
  for (const std::string &other : {file, dir.path("./sub/../ck.st"),
                                   dir.path("hard.st"), dir.path("soft.st")})
    EXPECT_EQ(errorMessage([&] {
                checkFileClashes({{"--resume", file}}, {{"--metrics", other}});
              }),
              "--metrics " + other + ": is the same file as --resume " + file +
                  " (an output may not overwrite an input)");
  test::writeText(dir.path("other.st"), "checkpoint");
  checkFileClashes({{"--resume", file}}, {{"--metrics", dir.path("other.st")}});
}

TEST(FileClashTest, AFileNotYetWrittenByItsPath) {
  test::TempDir dir;
  ASSERT_EQ(::mkdir(dir.path("real").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("real", dir.path("alias").c_str()), 0);
  std::string json = dir.path("real/r"), plot = dir.path("alias/./r");
  EXPECT_EQ(errorMessage([&] {
              checkFileClashes({}, {{"--json", json}, {"--plot", plot}});
            }),
            "--plot " + plot + ": is the same file as --json " + json +
                " (each output needs a file of its own)");
  // Relative paths are taken from the working directory.
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(fileIdentity("no/such/dir/../x"),
            fileIdentity(std::string(cwd) + "/no/such/x"));
  checkFileClashes({}, {{"--json", json}, {"--plot", dir.path("real/p")}});
}

TEST(FileClashTest, OnlyTheNamedInputMayBeReplaced) {
  test::TempDir dir;
  std::string file = dir.path("ck.st");
  test::writeText(file, "checkpoint");
  // --resume X --save X continues a run in place.
  checkFileClashes({{"--resume", file}}, {{"--save", file, "--resume"}});
  EXPECT_EQ(errorMessage([&] {
              checkFileClashes({{"--init-from", file}},
                               {{"--save", file, "--resume"}});
            }),
            "--save " + file + ": is the same file as --init-from " + file +
                " (an output may not overwrite an input)");
}

TEST(FileClashTest, IsAUsageError) {
  try {
    checkFileClashes({}, {{"--json", "a"}, {"--plot", "a"}});
    ADD_FAILURE() << "no error";
  } catch (const UsageError &e) {
    EXPECT_EQ(e.exitCode(), ExitUsage);
  }
}

} // namespace
} // namespace nnrt
