//===- PhiloxTest.cpp - Philox 4x32-10 against the published answers ------===//

#include "runtime/src/Philox.h"

#include <gtest/gtest.h>

namespace nnrt {
namespace {

// Known-answer tests of Random123 (tests/kat_vectors, "philox4x32 10"):
// counter, key, expected output.
struct KnownAnswer {
  PhiloxCounter counter;
  PhiloxKey key;
  PhiloxCounter expected;
};

TEST(PhiloxTest, MatchesRandom123KnownAnswers) {
  const KnownAnswer answers[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const KnownAnswer &kat : answers)
    EXPECT_EQ(philox4x32_10(kat.counter, kat.key), kat.expected);
}

TEST(PhiloxTest, KeyIsLowThenHighWordOfTheSeed) {
  EXPECT_EQ(philoxKey(0x0123456789abcdefLL),
            (PhiloxKey{0x89abcdef, 0x01234567}));
  EXPECT_EQ(philoxKey(-1), (PhiloxKey{0xffffffff, 0xffffffff}));
}

TEST(PhiloxTest, Uniform24UsesTheTop24Bits) {
  EXPECT_EQ(uniform24(0), 0.0);
  EXPECT_EQ(uniform24(0x000000ff), 0.0);
  EXPECT_EQ(uniform24(0x80000000), 0.5);
  EXPECT_EQ(uniform24(0xffffffff), 1.0 - 1.0 / 16777216.0);
}

} // namespace
} // namespace nnrt
