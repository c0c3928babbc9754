//===- NpyTest.cpp - .npy arrays ------------------------------------------===//

#include "runtime/src/Npy.h"

#include "runtime/src/FileIO.h"
#include "runtime/test/TestSupport.h"

#include <cstring>

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

/// An npy 1.0 file with `header` (padded as numpy pads it) and `data`.
std::vector<uint8_t> npyBytes(std::string header,
                              const std::vector<uint8_t> &data) {
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> bytes = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                static_cast<uint8_t>(header.size()),
                                static_cast<uint8_t>(header.size() >> 8)};
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

TEST(NpyTest, WritesWhatItReads) {
  test::TempDir dir;
  std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, 7.0f};
  writeNpy(dir.path("a.npy"), {2, 3}, values.data());
  std::vector<uint8_t> bytes = readFile(dir.path("a.npy"));
  // numpy's layout: header padded so that data starts 64-byte aligned.
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes[8] + 256 * bytes[9], 118);
  std::string header(bytes.begin() + 10, bytes.begin() + 128);
  EXPECT_EQ(header.substr(0, header.find('}') + 1),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(header.back(), '\n');
  NpyArray array = readNpy(dir.path("a.npy"));
  EXPECT_EQ(array.type, NpyType::F32);
  EXPECT_EQ(array.shape, (Shape{2, 3}));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(array.at(i), values[i]);

  writeNpy(dir.path("b.npy"), {3}, values.data());
  std::vector<uint8_t> one = readFile(dir.path("b.npy"));
  EXPECT_NE(std::string(one.begin(), one.end()).find("'shape': (3,), }"),
            std::string::npos);
  EXPECT_EQ(readNpy(dir.path("b.npy")).shape, (Shape{3}));
}

TEST(NpyTest, ReadsIntegerTypes) {
  std::vector<uint8_t> data(16);
  int64_t values[2] = {-3, 9};
  std::memcpy(data.data(), values, 16);
  NpyArray i64 = parseNpy(
      npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
               data),
      "f");
  EXPECT_EQ(i64.type, NpyType::I64);
  EXPECT_EQ(i64.at(0), -3);
  EXPECT_EQ(i64.at(1), 9);
  NpyArray u8 = parseNpy(
      npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 2, 2), }",
               data),
      "f");
  EXPECT_EQ(u8.type, NpyType::U8);
  EXPECT_EQ(u8.shape, (Shape{4, 2, 2}));
  NpyArray i32 = parseNpy(
      npyBytes("{'shape': (2, 2), 'fortran_order': False, 'descr': '<i4'}",
               data),
      "f");
  EXPECT_EQ(i32.type, NpyType::I32);
  EXPECT_EQ(i32.at(1), -1); // High half of -3 as int64.
}

TEST(NpyTest, RejectsWhatItCannotRead) {
  std::vector<uint8_t> data(8);
  auto error = [&](const std::string &header) {
    return errorMessage([&] { parseNpy(npyBytes(header, data), "x.npy"); });
  };
  EXPECT_EQ(error("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"),
            "x.npy: npy dtype '>f4' is not supported (float32, uint8, int32 "
            "or int64, little-endian)");
  EXPECT_THAT(error("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"),
              HasSubstr("Fortran-order npy arrays are not supported"));
  EXPECT_THAT(
      error("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"),
      HasSubstr("x.npy: truncated: shape [3] of float32 needs 12 data "
                "bytes, file has 8"));
  EXPECT_THAT(
      error("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"),
      HasSubstr("corrupt: shape [1] of float32 needs 4 data bytes"));
  EXPECT_THAT(error("{'descr': '<f4', 'fortran_order': False}"),
              HasSubstr("npy header has no 'shape'"));
  EXPECT_THAT(
      error("{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }"),
      HasSubstr("malformed npy shape (a,)"));
  EXPECT_EQ(errorMessage([] {
              parseNpy({'P', 'K', 3, 4}, "z.npy");
            }),
            "z.npy: not an npy file (bad magic)");
  std::vector<uint8_t> shortHeader = npyBytes(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data);
  shortHeader.resize(40);
  EXPECT_THAT(errorMessage([&] { parseNpy(shortHeader, "s.npy"); }),
              HasSubstr("s.npy: truncated npy header"));
}

} // namespace
} // namespace nnrt
