//===- MemRefCopyTest.cpp - strided copies for compiled code --------------===//

#include <cstdint>
#include <gtest/gtest.h>
#include <vector>

namespace {
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};
template <int N> struct Descriptor {
  float *allocated, *aligned;
  int64_t offset, sizes[N], strides[N];
};
} // namespace

extern "C" void memrefCopy(int64_t elemSize, UnrankedMemRef *src,
                           UnrankedMemRef *dst);

namespace {

TEST(MemRefCopyTest, CopiesStridedViews) {
  // Source: the transpose of a 3x4 row-major matrix, viewed as 4x3 with
  // strides (1, 4), starting at offset 1 of its buffer.
  std::vector<float> a(13), b(4 * 5, -1.0f);
  for (int i = 0; i < 13; ++i)
    a[i] = float(i);
  Descriptor<2> src = {a.data(), a.data(), 1, {4, 3}, {1, 4}};
  // Destination: a 4x3 window of a 4x5 buffer (row stride 5).
  Descriptor<2> dst = {b.data(), b.data(), 0, {4, 3}, {5, 1}};
  UnrankedMemRef s = {2, &src}, d = {2, &dst};
  memrefCopy(sizeof(float), &s, &d);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j)
      EXPECT_EQ(b[i * 5 + j], a[1 + i + 4 * j]) << i << "," << j;
    EXPECT_EQ(b[i * 5 + 3], -1.0f);
    EXPECT_EQ(b[i * 5 + 4], -1.0f);
  }
}

TEST(MemRefCopyTest, CopiesContiguousRowsScalarsAndEmptyViews) {
  std::vector<float> a = {1, 2, 3, 4, 5, 6}, b(6, 0.0f);
  Descriptor<2> src = {a.data(), a.data(), 0, {2, 3}, {3, 1}};
  Descriptor<2> dst = {b.data(), b.data(), 0, {2, 3}, {3, 1}};
  UnrankedMemRef s = {2, &src}, d = {2, &dst};
  memrefCopy(sizeof(float), &s, &d);
  EXPECT_EQ(a, b);

  struct {
    float *allocated, *aligned;
    int64_t offset;
  } scalarSrc = {a.data(), a.data(), 5}, scalarDst = {b.data(), b.data(), 0};
  UnrankedMemRef s0 = {0, &scalarSrc}, d0 = {0, &scalarDst};
  memrefCopy(sizeof(float), &s0, &d0);
  EXPECT_EQ(b[0], 6.0f);

  Descriptor<2> empty = {a.data(), a.data(), 0, {0, 3}, {3, 1}};
  UnrankedMemRef e = {2, &empty};
  memrefCopy(sizeof(float), &e, &d); // Must not touch b.
  EXPECT_EQ(b[1], 2.0f);
}

} // namespace
