//===- StepGraphTest.cpp - a step's launches replayed as a graph ----------===//
//
// Against a fake driver that logs each call: when the step graph launches
// one by one, builds a graph, or only sets the nodes that changed, and that
// what runs gets the parameter values of the launch recorded.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/StepGraph.h"

#include "runtime/src/Error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace nnrt;
using namespace nnrt::cuda;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

/// What the fake driver was asked, one entry per call.
std::vector<std::string> calls;
/// The first int parameter of each kernel that ran (launched or in a
/// graph's launch), in order.
std::vector<int> ran;
/// The fake instance's nodes: the first int parameter of each.
std::vector<int> instanceValues;
std::vector<int> graphValues;
CUresult instantiateResult = kSuccess;
CUresult launchResult = kSuccess;

CUfunction kernelA = reinterpret_cast<CUfunction>(0x10);
CUfunction kernelB = reinterpret_cast<CUfunction>(0x20);

std::string name(CUfunction f) { return f == kernelA ? "A" : "B"; }

DriverApi fakeDriver() {
  DriverApi api{};
  api.launchKernel = [](CUfunction f, unsigned, unsigned, unsigned, unsigned,
                        unsigned, unsigned, unsigned, CUstream,
                        void **params, void **) -> CUresult {
    calls.push_back("launch " + name(f));
    if (launchResult != kSuccess)
      return launchResult;
    ran.push_back(*static_cast<int *>(params[0]));
    return kSuccess;
  };
  api.graphCreate = [](CUgraph *graph, unsigned) -> CUresult {
    calls.push_back("create");
    graphValues.clear();
    *graph = reinterpret_cast<CUgraph>(0x100);
    return kSuccess;
  };
  api.graphAddKernelNode = [](CUgraphNode *node, CUgraph, const CUgraphNode *deps,
                              size_t count,
                              const KernelNodeParams *p) -> CUresult {
    calls.push_back("add " + name(p->func) + " after " +
                    (count ? std::to_string(reinterpret_cast<intptr_t>(*deps))
                           : std::string("none")));
    graphValues.push_back(*static_cast<int *>(p->kernelParams[0]));
    *node = reinterpret_cast<CUgraphNode>(intptr_t(graphValues.size()));
    return kSuccess;
  };
  api.graphInstantiate = [](CUgraphExec *instance, CUgraph,
                            unsigned long long) -> CUresult {
    calls.push_back("instantiate");
    if (instantiateResult != kSuccess)
      return instantiateResult;
    instanceValues = graphValues;
    *instance = reinterpret_cast<CUgraphExec>(0x200);
    return kSuccess;
  };
  api.graphExecKernelNodeSetParams = [](CUgraphExec, CUgraphNode node,
                                        const KernelNodeParams *p) -> CUresult {
    intptr_t index = reinterpret_cast<intptr_t>(node);
    calls.push_back("set " + std::to_string(index));
    instanceValues[index - 1] = *static_cast<int *>(p->kernelParams[0]);
    return kSuccess;
  };
  api.graphLaunch = [](CUgraphExec, CUstream) -> CUresult {
    calls.push_back("graph launch");
    ran.insert(ran.end(), instanceValues.begin(), instanceValues.end());
    return kSuccess;
  };
  api.graphExecDestroy = [](CUgraphExec) -> CUresult {
    calls.push_back("destroy instance");
    return kSuccess;
  };
  api.graphDestroy = [](CUgraph) -> CUresult {
    calls.push_back("destroy graph");
    return kSuccess;
  };
  return api;
}

class StepGraphTest : public ::testing::Test {
protected:
  void SetUp() override {
    calls.clear();
    ran.clear();
    instantiateResult = launchResult = kSuccess;
  }

  /// One step: kernel A with `a`, then kernel B with `b` (an int and a
  /// pointer-sized value each).
  void step(StepGraph &graph, int a, int b, CUfunction second = kernelB) {
    graph.begin();
    ASSERT_TRUE(graph.recording());
    record(graph, kernelA, a);
    record(graph, second, b);
    graph.launch();
  }

  void record(StepGraph &graph, CUfunction f, int value) {
    int64_t other = 7;
    void *params[] = {&value, &other};
    const unsigned grid[3] = {4, 1, 1}, block[3] = {128, 1, 1};
    graph.record(f, f == kernelA ? "A" : "B", grid, block, 0, params, sizes);
    // The values were copied: changing them now changes nothing.
    value = -1;
  }

  DriverApi api = fakeDriver();
  const std::vector<uint32_t> sizes = {4, 8};
};

TEST_F(StepGraphTest, GraphAfterTheSameLaunchesTwice) {
  StepGraph graph(api);
  ASSERT_TRUE(graph.enabled());
  step(graph, 1, 2);
  EXPECT_THAT(calls, ElementsAre("launch A", "launch B"));
  calls.clear();
  step(graph, 1, 2);
  // A chain: B after A's node (1).
  EXPECT_THAT(calls, ElementsAre("create", "add A after none", "add B after 1",
                                 "instantiate", "graph launch"));
  calls.clear();
  step(graph, 1, 2);
  EXPECT_THAT(calls, ElementsAre("graph launch"));
  EXPECT_THAT(ran, ElementsAre(1, 2, 1, 2, 1, 2));
  EXPECT_EQ(graph.counts().graphsBuilt, 1u);
  EXPECT_EQ(graph.counts().graphLaunches, 2u);
}

TEST_F(StepGraphTest, OnlyChangedNodesAreSet) {
  StepGraph graph(api);
  step(graph, 1, 2);
  step(graph, 1, 2);
  calls.clear();
  ran.clear();
  step(graph, 1, 5);
  EXPECT_THAT(calls, ElementsAre("set 2", "graph launch"));
  calls.clear();
  // Back to 2: compared with the last step, not the graph's first.
  step(graph, 1, 2);
  EXPECT_THAT(calls, ElementsAre("set 2", "graph launch"));
  EXPECT_THAT(ran, ElementsAre(1, 5, 1, 2));
  EXPECT_EQ(graph.counts().nodeUpdates, 2u);
}

TEST_F(StepGraphTest, OtherKernelsLaunchOneByOneThenRebuild) {
  StepGraph graph(api);
  step(graph, 1, 2);
  step(graph, 1, 2);
  calls.clear();
  step(graph, 1, 2, /*second=*/kernelA);
  EXPECT_THAT(calls, ElementsAre("launch A", "launch A"));
  calls.clear();
  step(graph, 1, 2, kernelA);
  EXPECT_THAT(calls,
              ElementsAre("destroy instance", "destroy graph", "create",
                          "add A after none", "add A after 1", "instantiate",
                          "graph launch"));
}

TEST_F(StepGraphTest, RefusedGraphWarnsAndLaunchesOneByOne) {
  instantiateResult = 999;
  StepGraph graph(api);
  step(graph, 1, 2);
  calls.clear();
  testing::internal::CaptureStderr();
  step(graph, 3, 4);
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              HasSubstr("CUDA graphs unavailable (cuGraphInstantiate"));
  EXPECT_THAT(calls, ElementsAre("create", "add A after none", "add B after 1",
                                 "instantiate", "destroy graph", "launch A",
                                 "launch B"));
  EXPECT_FALSE(graph.enabled());
  graph.begin();
  EXPECT_FALSE(graph.recording());
  EXPECT_THAT(ran, ElementsAre(1, 2, 3, 4));
}

TEST_F(StepGraphTest, AbandonLaunchesWhatWasRecorded) {
  StepGraph graph(api);
  step(graph, 1, 2);
  graph.begin();
  record(graph, kernelA, 1);
  graph.abandon();
  EXPECT_FALSE(graph.recording());
  calls.clear();
  // The abandoned step matches nothing: one by one again.
  step(graph, 1, 2);
  EXPECT_THAT(calls, ElementsAre("launch A", "launch B"));
  EXPECT_THAT(ran, ElementsAre(1, 2, 1, 1, 2));
}

TEST_F(StepGraphTest, FailedLaunchNamesTheKernel) {
  StepGraph graph(api);
  launchResult = 700;
  try {
    step(graph, 1, 2);
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_THAT(e.what(),
                HasSubstr("kernel A (cuLaunchKernel, grid 4x1x1, block "
                          "128x1x1): CUDA error 700"));
  }
}

TEST_F(StepGraphTest, DriverWithoutGraphsLaunchesOneByOne) {
  api.graphLaunch = nullptr;
  StepGraph graph(api);
  EXPECT_FALSE(graph.enabled());
  graph.begin();
  EXPECT_FALSE(graph.recording());
}

} // namespace
