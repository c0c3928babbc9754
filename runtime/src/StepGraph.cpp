//===- StepGraph.cpp - a training step's launches as one CUDA graph -------===//

#include "runtime/src/StepGraph.h"

#include "runtime/src/Error.h"

#include <cstdio>
#include <cstring>
#include <utility>

namespace nnrt::cuda {

std::string describeLaunch(const char *name, const unsigned grid[3],
                           const unsigned block[3]) {
  auto dims = [](const unsigned d[3]) {
    return std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" +
           std::to_string(d[2]);
  };
  return std::string("kernel ") + name + " (cuLaunchKernel, grid " +
         dims(grid) + ", block " + dims(block) + ")";
}

namespace {

/// Where a value of `bytes` goes at or after `at` in a recording's values:
/// aligned as the kernel's own parameter space aligns it (16 at most).
size_t alignValue(size_t at, uint32_t bytes) {
  size_t alignment = bytes >= 16 ? 16 : bytes >= 8 ? 8 : bytes >= 4 ? 4 : 1;
  return (at + alignment - 1) / alignment * alignment;
}

} // namespace

void StepGraph::Recording::clear() {
  launches.clear();
  values.clear();
}

StepGraph::StepGraph(const DriverApi &api)
    : api(api),
      usable(api.graphCreate && api.graphAddKernelNode &&
             api.graphInstantiate && api.graphExecKernelNodeSetParams &&
             api.graphLaunch && api.graphExecDestroy && api.graphDestroy) {}

StepGraph::~StepGraph() { destroyGraph(); }

void StepGraph::disable() {
  usable = false;
  isRecording = false;
}

void StepGraph::begin() {
  current.clear();
  isRecording = usable;
}

void StepGraph::record(CUfunction function, const char *name,
                       const unsigned grid[3], const unsigned block[3],
                       unsigned sharedBytes, void **params,
                       const std::vector<uint32_t> &sizes) {
  size_t offset = current.values.size(), end = offset;
  for (uint32_t bytes : sizes)
    end = alignValue(end, bytes) + bytes;
  current.values.resize(end);
  size_t at = offset;
  for (size_t i = 0; i < sizes.size(); ++i) {
    at = alignValue(at, sizes[i]);
    std::memcpy(current.values.data() + at, params[i], sizes[i]);
    at += sizes[i];
  }
  current.launches.push_back({function,
                              name,
                              {grid[0], grid[1], grid[2]},
                              {block[0], block[1], block[2]},
                              sharedBytes,
                              offset,
                              &sizes});
}

std::vector<void *> StepGraph::parameters(Recording &recording,
                                          const Launch &launch) {
  std::vector<void *> pointers;
  size_t at = launch.offset;
  for (uint32_t bytes : *launch.sizes) {
    at = alignValue(at, bytes);
    pointers.push_back(recording.values.data() + at);
    at += bytes;
  }
  return pointers;
}

KernelNodeParams StepGraph::nodeParams(const Launch &launch, void **params) {
  KernelNodeParams node{};
  node.func = launch.function;
  node.gridDimX = launch.grid[0];
  node.gridDimY = launch.grid[1];
  node.gridDimZ = launch.grid[2];
  node.blockDimX = launch.block[0];
  node.blockDimY = launch.block[1];
  node.blockDimZ = launch.block[2];
  node.sharedMemBytes = launch.sharedBytes;
  node.kernelParams = params;
  return node;
}

bool StepGraph::sameShape(const Recording &a, const Recording &b) {
  if (a.launches.size() != b.launches.size())
    return false;
  for (size_t i = 0; i < a.launches.size(); ++i) {
    const Launch &x = a.launches[i], &y = b.launches[i];
    if (x.function != y.function || x.sharedBytes != y.sharedBytes ||
        x.sizes != y.sizes || std::memcmp(x.grid, y.grid, sizeof x.grid) ||
        std::memcmp(x.block, y.block, sizeof x.block))
      return false;
  }
  return true;
}

void StepGraph::launchOneByOne(Recording &recording) {
  for (const Launch &launch : recording.launches) {
    std::vector<void *> params = parameters(recording, launch);
    CUresult result = api.launchKernel(
        launch.function, launch.grid[0], launch.grid[1], launch.grid[2],
        launch.block[0], launch.block[1], launch.block[2], launch.sharedBytes,
        /*legacy stream=*/nullptr, params.data(), nullptr);
    if (result != kSuccess)
      throw Error("", "CUDA error in " +
                          describeLaunch(launch.name, launch.grid,
                                         launch.block) +
                          ": " + describe(api, result));
    ++done.directLaunches;
  }
}

void StepGraph::abandon() {
  isRecording = false;
  launchOneByOne(current);
  current.clear();
  // A step with copies between its kernels never matches a graph.
  previous.clear();
  instanceCurrent = false;
}

void StepGraph::launch() {
  isRecording = false;
  bool graphed = false;
  if (usable && !current.launches.empty() && sameShape(current, previous))
    graphed = instance && instanceCurrent ? replay() : build();
  if (!graphed)
    launchOneByOne(current);
  instanceCurrent = graphed;
  std::swap(current, previous);
  current.clear();
}

bool StepGraph::replay() {
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Launch &now = current.launches[i], &before = previous.launches[i];
    size_t bytes = (i + 1 < current.launches.size()
                        ? current.launches[i + 1].offset
                        : current.values.size()) -
                   now.offset;
    if (std::memcmp(current.values.data() + now.offset,
                    previous.values.data() + before.offset, bytes) == 0)
      continue;
    std::vector<void *> params = parameters(current, now);
    KernelNodeParams node = nodeParams(now, params.data());
    if (CUresult result =
            api.graphExecKernelNodeSetParams(instance, nodes[i], &node)) {
      giveUp("cuGraphExecKernelNodeSetParams", result);
      return false;
    }
    ++done.nodeUpdates;
  }
  return launchInstance();
}

bool StepGraph::launchInstance() {
  if (CUresult result = api.graphLaunch(instance, /*legacy stream=*/nullptr)) {
    giveUp("cuGraphLaunch", result);
    return false;
  }
  ++done.graphLaunches;
  return true;
}

bool StepGraph::build() {
  destroyGraph();
  if (CUresult result = api.graphCreate(&graph, 0)) {
    graph = nullptr;
    giveUp("cuGraphCreate", result);
    return false;
  }
  for (const Launch &launch : current.launches) {
    std::vector<void *> params = parameters(current, launch);
    KernelNodeParams node = nodeParams(launch, params.data());
    CUgraphNode added = nullptr;
    // A chain: each kernel after the one before, as on one stream.
    if (CUresult result = api.graphAddKernelNode(
            &added, graph, nodes.empty() ? nullptr : &nodes.back(),
            nodes.empty() ? 0 : 1, &node)) {
      giveUp("cuGraphAddKernelNode", result);
      return false;
    }
    nodes.push_back(added);
  }
  if (CUresult result = api.graphInstantiate(&instance, graph, 0)) {
    instance = nullptr;
    giveUp("cuGraphInstantiate", result);
    return false;
  }
  ++done.graphsBuilt;
  return launchInstance();
}

void StepGraph::destroyGraph() {
  // An instance still running is freed when it is done (cuGraphExecDestroy).
  if (instance)
    api.graphExecDestroy(instance);
  if (graph)
    api.graphDestroy(graph);
  instance = nullptr;
  graph = nullptr;
  nodes.clear();
  instanceCurrent = false;
}

void StepGraph::giveUp(const char *what, CUresult result) {
  std::fflush(stdout);
  std::fprintf(stderr,
               "warning: CUDA graphs unavailable (%s: %s); the training "
               "step's kernels are launched one by one\n",
               what, describe(api, result).c_str());
  destroyGraph();
  disable();
}

} // namespace nnrt::cuda
