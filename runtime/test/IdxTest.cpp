//===- IdxTest.cpp - IDX files, raw and gzipped, and their corruptions ----===//

#include "runtime/src/Idx.h"

#include "runtime/test/TestSupport.h"

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

std::vector<uint8_t> images() {
  std::vector<uint8_t> pixels(2 * 3 * 4);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<uint8_t>(i * 10);
  return test::idxBytes({2, 3, 4}, pixels);
}

TEST(IdxTest, ReadsRawAndGzippedFiles) {
  test::TempDir dir;
  test::writeBytes(dir.path("raw"), images());
  test::writeBytes(dir.path("packed.gz"), test::gzip(images()));
  for (const char *name : {"raw", "packed.gz"}) {
    IdxArray array = readIdx(dir.path(name));
    EXPECT_EQ(array.dims, (Shape{2, 3, 4})) << name;
    ASSERT_EQ(array.data.size(), 24u) << name;
    EXPECT_EQ(array.data[23], 230) << name;
  }
}

TEST(IdxTest, RejectsBadMagicAndTypes) {
  std::vector<uint8_t> bytes = images();
  bytes[0] = 0x1f;
  EXPECT_EQ(errorMessage([&] { parseIdx(bytes, "f"); }),
            "f: not an IDX file: bad magic number 0x1f000803");
  bytes = images();
  bytes[2] = 0x0d;
  EXPECT_EQ(errorMessage([&] { parseIdx(bytes, "f"); }),
            "f: IDX element type 0x0d is not supported (only 0x08, unsigned "
            "byte)");
  EXPECT_THAT(errorMessage([&] {
                parseIdx({0, 0}, "f");
              }),
              HasSubstr("bad magic number (file shorter than 4 bytes)"));
}

TEST(IdxTest, RejectsWrongSizes) {
  std::vector<uint8_t> bytes = images();
  bytes.pop_back();
  EXPECT_EQ(errorMessage([&] { parseIdx(bytes, "f"); }),
            "f: truncated: dimensions [2, 3, 4] need 24 data bytes, file has "
            "23");
  bytes.push_back(0);
  bytes.push_back(0);
  EXPECT_THAT(errorMessage([&] { parseIdx(bytes, "f"); }),
              HasSubstr("corrupt: dimensions [2, 3, 4] need 24 data bytes, "
                        "file has 25"));
  bytes = images();
  bytes.resize(10);
  EXPECT_THAT(errorMessage([&] { parseIdx(bytes, "f"); }),
              HasSubstr("truncated IDX header (3 dimensions announced"));
  // Dimensions whose product overflows 64 bits.
  std::vector<uint8_t> huge =
      test::idxBytes({0xffffffff, 0xffffffff, 0xffffffff}, {});
  EXPECT_THAT(errorMessage([&] { parseIdx(huge, "f"); }),
              HasSubstr("truncated: dimensions"));
}

TEST(IdxTest, RejectsTruncatedAndCorruptGzip) {
  test::TempDir dir;
  std::vector<uint8_t> packed = test::gzip(images());
  std::vector<uint8_t> truncated(packed.begin(), packed.end() - 12);
  test::writeBytes(dir.path("truncated.gz"), truncated);
  EXPECT_EQ(errorMessage([&] { readIdx(dir.path("truncated.gz")); }),
            dir.path("truncated.gz") +
                ": truncated gzip stream (the file ends early)");
  std::vector<uint8_t> corrupt = packed;
  corrupt[corrupt.size() - 6] ^= 0xff; // Inside the CRC.
  test::writeBytes(dir.path("corrupt.gz"), corrupt);
  EXPECT_THAT(errorMessage([&] { readIdx(dir.path("corrupt.gz")); }),
              HasSubstr("corrupt.gz: corrupt gzip stream (incorrect data "
                        "check)"));
}

TEST(IdxTest, NamesMissingFiles) {
  EXPECT_EQ(errorMessage([] { readIdx("/nonexistent/x-idx1-ubyte"); }),
            "/nonexistent/x-idx1-ubyte: cannot open: No such file or "
            "directory");
}

} // namespace
} // namespace nnrt
