//===- SessionTest.cpp - selecting tensors by name ------------------------===//

#include "runtime/src/Session.h"

#include "runtime/src/ThreadPool.h"

#include "runtime/test/TestSupport.h"

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

TEST(SessionTest, SelectsTensorsAndWhatIsInsideThem) {
  Manifest m =
      parseManifest("nnc 1\nmodel m\ninput 2,1\ntarget i32 2\noutput 2,2\n"
                    "loss softmax_cross_entropy\nstate_size 4\n"
                    "tensor fc1 0 1 constant 0 0 trainable\n"
                    "tensor fc1.weight 1 1 constant 0 0 trainable\n"
                    "tensor fc10.weight 2 1 constant 0 0 trainable\n"
                    "tensor bn.fc1 3 1 constant 0 0 buffer\n");
  TensorFilter fc1 = selectTensors(m, {"fc1"}, "--freeze");
  EXPECT_TRUE(fc1("fc1"));
  EXPECT_TRUE(fc1("fc1.weight"));
  EXPECT_FALSE(fc1("fc10.weight"));
  EXPECT_FALSE(fc1("bn.fc1"));
  TensorFilter both = selectTensors(m, {"fc10", "bn"}, "--reinit");
  EXPECT_TRUE(both("fc10.weight"));
  EXPECT_TRUE(both("bn.fc1"));
  EXPECT_FALSE(both("fc1.weight"));
  EXPECT_FALSE(selectTensors(m, {}, "--freeze")("fc1"));
  EXPECT_EQ(errorMessage([&] { selectTensors(m, {"fc1.w"}, "--freeze"); }),
            "--freeze: no tensor is named fc1.w or fc1.w.*");
}

TEST(SessionTest, GpuModelsDefaultToTwoThreadsAndThreadsOverrides) {
  const std::vector<OptionSpec> specs{
      {"threads", OptionKind::Count, "N", "threads"}};
  Options none = parseOptions("train", specs, {});
  Options three = parseOptions("train", specs, {"--threads", "3"});
  setThreadCount(5);
  applyThreads(none, /*onGpu=*/false);
  EXPECT_EQ(getThreadCount(), 5);
  applyThreads(none, /*onGpu=*/true);
  EXPECT_EQ(getThreadCount(), kGpuThreads);
  applyThreads(three, /*onGpu=*/true);
  EXPECT_EQ(getThreadCount(), 3);
  applyThreads(three, /*onGpu=*/false);
  EXPECT_EQ(getThreadCount(), 3);
  setThreadCount(1);
}

} // namespace
} // namespace nnrt
