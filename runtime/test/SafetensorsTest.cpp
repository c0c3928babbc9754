//===- SafetensorsTest.cpp - the format and every way it can be broken ----===//

#include "runtime/src/Safetensors.h"

#include "runtime/src/FileIO.h"
#include "runtime/test/TestSupport.h"

#include <cstring>

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

/// A file with the given header length field, header text and data size.
std::vector<uint8_t> rawFile(uint64_t headerLength, const std::string &header,
                             size_t dataBytes) {
  std::vector<uint8_t> bytes(8);
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(headerLength >> (8 * i));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.resize(bytes.size() + dataBytes, 0);
  return bytes;
}

std::vector<uint8_t> rawFile(const std::string &header, size_t dataBytes) {
  return rawFile(header.size(), header, dataBytes);
}

class SafetensorsTest : public testing::Test {
protected:
  test::TempDir dir;

  std::string errorFor(const std::vector<uint8_t> &bytes) {
    test::writeBytes(dir.path("bad.safetensors"), bytes);
    return errorMessage([&] { readSafetensors(dir.path("bad.safetensors")); });
  }
};

TEST_F(SafetensorsTest, RoundTrip) {
  std::vector<float> w = {1, 2, 3, 4, 5, 6}, b = {-0.5f};
  writeSafetensors(
      dir.path("a.safetensors"),
      {{"fc.weight", {2, 3}, w.data()}, {"fc.bias", {1}, b.data()}},
      {{"step", "12"}, {"model", "m"}});
  SafetensorsFile file = readSafetensors(dir.path("a.safetensors"));
  EXPECT_EQ(file.metadata, (Metadata{{"step", "12"}, {"model", "m"}}));
  ASSERT_EQ(file.tensors.size(), 2u);
  const SafetensorsEntry &weight = file.tensors.at("fc.weight");
  EXPECT_EQ(weight.dtype, "F32");
  EXPECT_EQ(weight.shape, (Shape{2, 3}));
  // Tensors are stored in the given order.
  EXPECT_EQ(weight.begin, 0u);
  EXPECT_EQ(weight.end, 24u);
  EXPECT_EQ(file.tensors.at("fc.bias").begin, 24u);
  EXPECT_EQ(std::memcmp(file.data(weight), w.data(), 24), 0);
  EXPECT_EQ(file.dataStart % 8, 0u);
  EXPECT_EQ(file.bytes.size(), file.dataStart + 28);
}

TEST_F(SafetensorsTest, ReadsForeignFiles) {
  // As the Python library writes them: no metadata, other dtypes, a scalar.
  std::string header = "{\"a\":{\"dtype\":\"I64\",\"shape\":[],"
                       "\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"BF16\","
                       "\"shape\":[2,0],\"data_offsets\":[8,8]}}";
  test::writeBytes(dir.path("f"), rawFile(header, 8));
  SafetensorsFile file = readSafetensors(dir.path("f"));
  EXPECT_TRUE(file.metadata.empty());
  EXPECT_EQ(file.tensors.at("a").shape, Shape{});
  EXPECT_EQ(file.tensors.at("b").dtype, "BF16");
}

TEST_F(SafetensorsTest, RejectsBrokenFramesAndJson) {
  EXPECT_THAT(errorFor({1, 2, 3}),
              HasSubstr("bad.safetensors: not a safetensors file: shorter "
                        "than its 8-byte header length"));
  EXPECT_THAT(errorFor(rawFile(1000, "{}", 0)),
              HasSubstr("header length 1000 exceeds the file size (10 "
                        "bytes)"));
  EXPECT_THAT(errorFor(rawFile(~uint64_t(0), "{}", 0)),
              HasSubstr("header length 18446744073709551615 exceeds"));
  EXPECT_THAT(errorFor(rawFile("{\"a\": ", 0)),
              HasSubstr("the header is not valid JSON"));
  EXPECT_THAT(errorFor(rawFile("[1, 2]", 0)),
              HasSubstr("the header is not a JSON object"));
  EXPECT_THAT(errorFor(rawFile("{\"__metadata__\": {\"step\": 3}}", 0)),
              HasSubstr("__metadata__ value of \"step\" is not a string"));
  EXPECT_THAT(errorFor(rawFile("{\"__metadata__\": []}", 0)),
              HasSubstr("__metadata__ is not a JSON object"));
}

TEST_F(SafetensorsTest, RejectsBrokenEntries) {
  auto entry = [&](const std::string &fields, size_t dataBytes = 8) {
    return errorFor(rawFile("{\"t\": " + fields + "}", dataBytes));
  };
  EXPECT_THAT(entry("3"), HasSubstr("tensor t: header entry is not a JSON "
                                    "object"));
  EXPECT_THAT(entry("{\"shape\": [2], \"data_offsets\": [0, 8]}"),
              HasSubstr("tensor t: header entry has no \"dtype\""));
  EXPECT_THAT(
      entry("{\"dtype\": \"F31\", \"shape\": [2], \"data_offsets\": [0, 8]}"),
      HasSubstr("tensor t: unknown dtype \"F31\""));
  EXPECT_THAT(
      entry("{\"dtype\": \"F32\", \"shape\": 2, \"data_offsets\": [0, 8]}"),
      HasSubstr("tensor t: shape is not an array"));
  EXPECT_THAT(
      entry("{\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}"),
      HasSubstr("tensor t: shape [-2] has a non-integer dimension"));
  EXPECT_THAT(
      entry("{\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0]}"),
      HasSubstr("tensor t: data_offsets is not [begin, end]"));
  EXPECT_THAT(
      entry("{\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 16]}"),
      HasSubstr("tensor t: data offsets [0, 16] are outside the data section "
                "(8 bytes)"));
  EXPECT_THAT(
      entry("{\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}"),
      HasSubstr("data offsets [8, 0] are outside the data section"));
  EXPECT_THAT(
      entry("{\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}"),
      HasSubstr("tensor t: data offsets span 8 bytes, F32 [3] needs 12"));
  EXPECT_THAT(entry("{\"dtype\": \"F32\", \"shape\": [4294967296, "
                    "4294967296], \"data_offsets\": [0, 8]}"),
              HasSubstr("needs 18446744073709551615"));
  EXPECT_THAT(
      errorFor(rawFile("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], "
                       "\"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", "
                       "\"shape\": [1], \"data_offsets\": [4, 8]}}",
                       8)),
      HasSubstr("tensors overlap in the data section"));
}

} // namespace
} // namespace nnrt
