//===- ProgressTest.cpp - live lines and plain lines ----------------------===//

#include "runtime/src/Progress.h"

#include <gtest/gtest.h>

namespace nnrt {
namespace {

/// What `body` writes through a Progress on a temporary file.
template <typename Body>
std::string written(bool live, double minSeconds, Body &&body) {
  std::FILE *file = std::tmpfile();
  {
    Progress progress(file, live, minSeconds);
    body(progress);
  }
  std::string text(std::ftell(file), '\0');
  std::rewind(file);
  EXPECT_EQ(std::fread(&text[0], 1, text.size(), file), text.size());
  std::fclose(file);
  return text;
}

TEST(ProgressTest, PlainLinesAtEveryTenthOfAnEpoch) {
  std::string text = written(false, 0, [](Progress &p) {
    for (int step = 1; step <= 25; ++step)
      p.update([&] { return "s" + std::to_string(step); }, step, 25);
    p.print("epoch done");
  });
  // Every 3 steps (25 / 10 rounded up), never at the epoch's last step.
  EXPECT_EQ(text, "s3\ns6\ns9\ns12\ns15\ns18\ns21\ns24\nepoch done\n");
}

TEST(ProgressTest, PlainLinesAreRateLimited) {
  std::string text = written(false, 3600, [](Progress &p) {
    for (int step = 1; step <= 20; ++step)
      p.update([] { return std::string("s"); }, step, 20);
    p.print("epoch done");
  });
  EXPECT_EQ(text, "epoch done\n");
}

TEST(ProgressTest, LiveLineIsRedrawnAndEnded) {
  std::string text = written(true, 0, [](Progress &p) {
    p.update([] { return std::string("a"); }, 1, 10);
    p.update([] { return std::string("b"); }, 2, 10);
    p.print("line");
    p.update([] { return std::string("c"); }, 3, 10);
  });
  EXPECT_EQ(text, "\ra\x1b[K\rb\x1b[K\r\x1b[Kline\n\rc\x1b[K\n");
}

TEST(ProgressTest, LiveLineShowsAtOnceThenAtMostEveryInterval) {
  std::string text = written(true, 3600, [](Progress &p) {
    p.update([] { return std::string("a"); }, 1, 10);
    p.update([] { return std::string("b"); }, 2, 10);
  });
  EXPECT_EQ(text, "\ra\x1b[K\n");
}

} // namespace
} // namespace nnrt
