//===- ManifestTest.cpp - parsing and validating the manifest -------------===//

#include "runtime/src/Manifest.h"

#include "runtime/test/TestSupport.h"

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

TEST(ManifestTest, ParsesTheDocumentedExample) {
  // The example of docs/abi.md.
  Manifest m =
      parseManifest("nnc 1\n"
                    "model fashion_mlp\n"
                    "input 128,784\n"
                    "target i32 128\n"
                    "output 128,10\n"
                    "loss softmax_cross_entropy\n"
                    "state_size 269322\n"
                    "hparam lr 0.05\n"
                    "hparam clip_norm 1\n"
                    "flops 154140672\n"
                    "gradcheck 0\n"
                    "tensor fc1.weight 0 256,784 normal 0 0.0505076 trainable\n"
                    "tensor fc1.bias 200704 256 constant 0 0 trainable\n");
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.model, "fashion_mlp");
  EXPECT_EQ(m.input, (Shape{128, 784}));
  EXPECT_EQ(m.batchSize(), 128);
  EXPECT_EQ(m.inputSampleSize(), 784);
  EXPECT_EQ(m.targetType, TargetType::I32);
  EXPECT_EQ(m.numClasses(), 10);
  EXPECT_TRUE(m.isClassifier());
  EXPECT_EQ(m.stateSize, 269322);
  EXPECT_EQ(m.hparam("lr"), 0.05);
  EXPECT_EQ(m.hparam("clip_norm"), 1.0);
  EXPECT_FALSE(m.hparam("noise").has_value());
  EXPECT_EQ(m.flops, 154140672);
  EXPECT_FALSE(m.gradcheck);
  ASSERT_EQ(m.tensors.size(), 2u);
  EXPECT_EQ(m.tensors[0].name, "fc1.weight");
  EXPECT_EQ(m.tensors[0].shape, (Shape{256, 784}));
  EXPECT_EQ(m.tensors[0].dist, Dist::Normal);
  EXPECT_DOUBLE_EQ(m.tensors[0].b, 0.0505076);
  EXPECT_EQ(m.tensors[1].offset, 200704);
  EXPECT_EQ(m.tensors[1].role, Role::Trainable);
}

TEST(ManifestTest, IgnoresUnknownRecordsAndBlankLines) {
  Manifest m = parseManifest(std::string(test::kSmallManifest) +
                             "\nsomething_new 1 2 3\n\n");
  EXPECT_EQ(m.tensors.size(), 3u);
  EXPECT_EQ(m.tensors[2].role, Role::Buffer);
}

TEST(ManifestTest, ParsesRegressionModels) {
  Manifest m = parseManifest("nnc 1\nmodel r\ninput 8,3\ntarget f32 8,2\n"
                             "output 8,2\nloss mse\nstate_size 0\n");
  EXPECT_EQ(m.loss, LossKind::Mse);
  EXPECT_EQ(m.targetType, TargetType::F32);
  EXPECT_EQ(m.targetSampleSize(), 2);
  EXPECT_EQ(parseManifest("nnc 1\nmodel r\ninput 8,3\ntarget f32 8,2\n"
                          "output 8,2\nloss mse_sum\nstate_size 0\n")
                .loss,
            LossKind::MseSum);
}

/// The message for `small` with `from` replaced by `to`.
std::string errorFor(const std::string &from, const std::string &to) {
  std::string text = test::kSmallManifest;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return errorMessage([&] { parseManifest(text); });
}

TEST(ManifestTest, RejectsBadRecords) {
  EXPECT_EQ(errorFor("nnc 1", "nnc 2"),
            "manifest: format version 2 is not supported (this runtime reads "
            "version 1)");
  EXPECT_EQ(errorFor("input 4,6", "input 4,0"),
            "manifest: line 3 (input): '4,0' is not a shape d0,d1,... of "
            "positive sizes");
  EXPECT_THAT(errorFor("state_size 23", "state_size -1"),
              HasSubstr("line 7 (state_size): '-1' is not an integer >= 0"));
  EXPECT_THAT(errorFor("hparam lr 0.5", "hparam lr fast"),
              HasSubstr("'fast' is not a finite number"));
  EXPECT_THAT(errorFor("hparam lr 0.5", "hparam lr nan"),
              HasSubstr("'nan' is not a finite number"));
  EXPECT_THAT(errorFor("loss softmax_cross_entropy", "loss hinge"),
              HasSubstr("unknown loss 'hinge'"));
  EXPECT_THAT(errorFor("target i32 4", "target i64 4"),
              HasSubstr("target dtype 'i64' is not i32 or f32"));
  EXPECT_THAT(errorFor("normal 0 1", "gaussian 0 1"),
              HasSubstr("unknown initializer 'gaussian'"));
  EXPECT_THAT(errorFor("normal 0 1", "normal 0 -1"),
              HasSubstr("normal standard deviation -1 < 0"));
  EXPECT_THAT(errorFor("uniform -1 1", "uniform 1 -1"),
              HasSubstr("uniform bounds 1 > -1"));
  EXPECT_THAT(errorFor("0.5 0 trainable", "0.5 0 learnable"),
              HasSubstr("unknown role 'learnable'"));
  EXPECT_THAT(errorFor("tensor b 18 3 constant 0.5 0 trainable",
                       "tensor b 18 3 constant 0.5 trainable"),
              HasSubstr("line 12 (tensor): expected 7 field(s), found 6"));
  EXPECT_THAT(errorFor("model small", "model small\nmodel again"),
              HasSubstr("(model): record appears twice"));
}

TEST(ManifestTest, RejectsInconsistentModels) {
  EXPECT_EQ(errorFor("model small\n", ""), "manifest: missing 'model' record");
  EXPECT_THAT(errorFor("output 4,3", "output 5,3"),
              HasSubstr("batch sizes differ"));
  EXPECT_THAT(errorFor("target i32 4", "target f32 4"),
              HasSubstr("softmax_cross_entropy needs 'target i32 <batch>'"));
  EXPECT_THAT(errorFor("output 4,3", "output 4,3,2"),
              HasSubstr("needs a [batch, classes] output"));
  EXPECT_THAT(errorFor("loss softmax_cross_entropy", "loss mse"),
              HasSubstr("mse needs an f32 target"));
  EXPECT_THAT(errorFor("tensor b 18", "tensor b 17"),
              HasSubstr("tensor b at offset 17 overlaps the previous tensor"));
  EXPECT_THAT(errorFor("tensor s 21", "tensor b 21"),
              HasSubstr("tensor b is declared twice"));
  EXPECT_THAT(errorFor("state_size 23", "state_size 22"),
              HasSubstr("tensor s ends at 23, beyond state_size 22"));
}

} // namespace
} // namespace nnrt
