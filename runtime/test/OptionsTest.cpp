//===- OptionsTest.cpp - command-line parsing -----------------------------===//

#include "runtime/src/Options.h"

#include "runtime/test/TestSupport.h"

namespace nnrt {
namespace {

using test::HasSubstr;

const std::vector<OptionSpec> kSpecs = {
    {"epochs", OptionKind::Count, "N", "epochs"},
    {"lr", OptionKind::Number, "X", "learning rate"},
    {"save", OptionKind::Text, "FILE", "checkpoint"},
    {"freeze", OptionKind::List, "A,B", "frozen"},
    {"no-shuffle", OptionKind::Flag, nullptr, "file order"},
};

Options parse(std::vector<std::string> args) {
  return parseOptions("train", kSpecs, args);
}

/// The message and exit code of the UsageError of parsing `args`.
std::string usageError(std::vector<std::string> args) {
  try {
    parse(args);
  } catch (const UsageError &e) {
    EXPECT_EQ(e.exitCode(), ExitUsage);
    return e.what();
  }
  ADD_FAILURE() << "no usage error";
  return "";
}

TEST(OptionsTest, ParsesEveryKind) {
  Options o = parse({"--epochs", "3", "--lr=0.05", "--save", "a b.st",
                     "--freeze", "fc1", "--freeze=fc2,bn", "--no-shuffle"});
  EXPECT_EQ(o.count("epochs"), 3);
  EXPECT_EQ(o.number("lr"), 0.05);
  EXPECT_EQ(o.text("save"), "a b.st");
  EXPECT_EQ(o.list("freeze"), (std::vector<std::string>{"fc1", "fc2", "bn"}));
  EXPECT_TRUE(o.has("no-shuffle"));
  EXPECT_FALSE(o.has("help"));
  EXPECT_FALSE(o.count("missing").has_value());
  EXPECT_TRUE(parse({"-h"}).has("help"));
  EXPECT_TRUE(parse({"--epochs", "1", "--help"}).has("help"));
}

TEST(OptionsTest, ReportsMistakes) {
  EXPECT_EQ(usageError({"--epoch", "3"}),
            "--epoch: unknown option for 'train'; its options are --epochs, "
            "--lr, --save, --freeze, --no-shuffle, --help");
  EXPECT_EQ(usageError({"--epochs"}), "--epochs: needs a value (N)");
  EXPECT_EQ(usageError({"--save", "--epochs", "3"}),
            "--save: needs a value (FILE)");
  EXPECT_EQ(usageError({"--epochs", "3.5"}),
            "--epochs: '3.5' is not an integer >= 0");
  EXPECT_EQ(usageError({"--epochs", "-1"}),
            "--epochs: '-1' is not an integer >= 0");
  EXPECT_EQ(usageError({"--epochs", "99999999999999999999"}),
            "--epochs: '99999999999999999999' is too large (at most "
            "9223372036854775807)");
  EXPECT_EQ(usageError({"--lr", "fast"}),
            "--lr: 'fast' is not a finite number >= 0");
  EXPECT_EQ(usageError({"--lr", "inf"}),
            "--lr: 'inf' is not a finite number >= 0");
  // Decimal only: strtod alone would read hex.
  EXPECT_EQ(usageError({"--lr", "0x10"}),
            "--lr: '0x10' is not a finite number >= 0");
  EXPECT_EQ(usageError({"--lr", "1", "--lr", "2"}),
            "--lr: given more than once");
  EXPECT_EQ(usageError({"--no-shuffle=1"}), "--no-shuffle: takes no value");
  EXPECT_EQ(usageError({"--save="}), "--save: empty value");
  EXPECT_EQ(usageError({"--freeze", "fc1,,fc2"}),
            "--freeze: 'fc1,,fc2' has an empty name");
  EXPECT_EQ(usageError({"ckpt"}), "train: unexpected argument 'ckpt'");
}

TEST(OptionsTest, DescribesOptions) {
  std::string help = describeOptions(kSpecs);
  EXPECT_THAT(help, HasSubstr("  --epochs N          epochs\n"));
  EXPECT_THAT(help, HasSubstr("  --no-shuffle        file order\n"));
}

} // namespace
} // namespace nnrt
