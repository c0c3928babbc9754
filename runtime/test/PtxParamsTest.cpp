//===- PtxParamsTest.cpp - parameter sizes read off PTX -------------------===//

#include "runtime/src/PtxParams.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace nnrt::cuda;
using ::testing::ElementsAre;

namespace {

// The shapes of declaration that LLVM's NVPTX backend writes.
constexpr const char *kPtx = R"(
.version 8.0
.target sm_90
.address_size 64

	// .globl	step_kernel_1
.visible .entry step_kernel_1(
	.param .u64 .ptr .align 1 step_kernel_1_param_0,
	.param .f32 step_kernel_1_param_1,
	.param .u8 step_kernel_1_param_2,
	.param .u64 step_kernel_1_param_3,
	.param .align 8 .b8 step_kernel_1_param_4[24]
)
.maxntid 256, 1, 1
{
	ret;
}
.visible .entry step_kernel_10(
	.param .b32 step_kernel_10_param_0
)
{
	ret;
}
.visible .entry no_params()
{
	ret;
}
.visible .entry odd(
	.param .pred odd_param_0
)
{
	ret;
}
)";

TEST(PtxParams, SizesOfEachDeclaration) {
  EXPECT_THAT(*ptxParamSizes(kPtx, "step_kernel_1"),
              ElementsAre(8u, 4u, 1u, 8u, 24u));
}

TEST(PtxParams, NameMatchesWhole) {
  // step_kernel_1 is a prefix of step_kernel_10: each finds its own.
  EXPECT_THAT(*ptxParamSizes(kPtx, "step_kernel_10"), ElementsAre(4u));
  EXPECT_FALSE(ptxParamSizes(kPtx, "step_kernel").has_value());
}

TEST(PtxParams, KernelWithoutParameters) {
  auto sizes = ptxParamSizes(kPtx, "no_params");
  ASSERT_TRUE(sizes.has_value());
  EXPECT_TRUE(sizes->empty());
}

TEST(PtxParams, UnknownDeclarationOrTextIsNone) {
  EXPECT_FALSE(ptxParamSizes(kPtx, "odd").has_value());
  EXPECT_FALSE(ptxParamSizes("\x7f" "ELF", "step_kernel_1").has_value());
  EXPECT_FALSE(ptxParamSizes(".entry cut(\n.param .u64 cut_param_0",
                             "cut").has_value());
}

} // namespace
