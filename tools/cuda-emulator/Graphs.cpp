//===- Graphs.cpp - CUDA graphs of kernel nodes, emulated -----------------===//
//
// cuGraphCreate, cuGraphAddKernelNode_v2, cuGraphInstantiateWithFlags,
// cuGraphExecKernelNodeSetParams_v2, cuGraphLaunch and the two destroys:
// what the runtime's StepGraph uses. As the driver does, a node copies its
// parameters' values when it is added or set (so the caller's may change
// after), its configuration is checked then, an instance copies its graph's
// nodes (so changing the graph later does not change it), and a launch runs
// the instance on the launch's stream with each node after its
// dependencies. Here the nodes run in the order they were added (which
// keeps every dependency); two nodes that no chain of dependencies orders
// could run at once on a GPU, so when they use the same device buffer the
// launch stops as a race. Each node launch is checked and queued like
// cuLaunchKernel's (Launch.h); NNC_EMU_TRACE gets a line "graph <nodes>
// <nodes set since the last launch>" before them.
//
//===----------------------------------------------------------------------===//

#include "tools/cuda-emulator/Launch.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using CUresult = int;
constexpr CUresult kSuccess = 0;
constexpr CUresult kInvalidValue = 1;

/// cuda.h's CUDA_KERNEL_NODE_PARAMS_v2.
struct KernelNodeParams {
  void *func;
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  void **kernelParams;
  void **extra;
  void *kern;
  void *ctx;
};

struct Graph;

struct Node {
  Graph *graph;
  /// Indices of the nodes it runs after, in its graph.
  std::vector<size_t> dependencies;
  void *function;
  unsigned grid[3], block[3], sharedBytes;
  /// The parameters' values, each at `offsets[i]` (aligned to its size).
  std::vector<uint64_t> storage;
  std::vector<size_t> offsets;

  /// Copies `params` as the node's; false when the driver would refuse
  /// them.
  bool set(const KernelNodeParams &params) {
    unsigned g[3] = {params.gridDimX, params.gridDimY, params.gridDimZ};
    unsigned b[3] = {params.blockDimX, params.blockDimY, params.blockDimZ};
    if (!params.func || params.kern || params.extra ||
        !nnc::emu::validLaunch(params.func, g, b, params.sharedMemBytes))
      return false;
    std::optional<std::vector<uint32_t>> sizes =
        nnc::emu::parameterSizes(params.func);
    if (!sizes)
      return false;
    function = params.func;
    std::memcpy(grid, g, sizeof grid);
    std::memcpy(block, b, sizeof block);
    sharedBytes = params.sharedMemBytes;
    offsets.clear();
    size_t end = 0;
    for (uint32_t bytes : *sizes) {
      end = (end + bytes - 1) / bytes * bytes;
      offsets.push_back(end);
      end += bytes;
    }
    storage.assign((end + 7) / 8, 0);
    for (size_t i = 0; i < sizes->size(); ++i)
      std::memcpy(bytesAt(i), params.kernelParams[i], (*sizes)[i]);
    return true;
  }

  char *bytesAt(size_t i) {
    return reinterpret_cast<char *>(storage.data()) + offsets[i];
  }

  /// cuLaunchKernel's parameter array into the node's values.
  std::vector<void *> parameters() {
    std::vector<void *> pointers;
    for (size_t i = 0; i < offsets.size(); ++i)
      pointers.push_back(bytesAt(i));
    return pointers;
  }
};

struct Graph {
  /// In the order added: a valid order to run them in, as a node's
  /// dependencies must exist before it.
  std::vector<std::unique_ptr<Node>> nodes;
};

struct Instance {
  const Graph *graph;
  std::vector<Node> nodes;
  /// ordered[j][i], i < j: whether a chain of dependencies runs i before j.
  std::vector<std::vector<bool>> ordered;
  unsigned setSinceLaunch = 0;
};

/// Stops the program when two nodes that nothing orders use one buffer.
void checkUnordered(Instance &instance) {
  std::vector<std::vector<uintptr_t>> buffers;
  for (Node &node : instance.nodes) {
    std::vector<void *> params = node.parameters();
    buffers.push_back(nnc::emu::launchBuffers(node.function, params.data()));
    std::sort(buffers.back().begin(), buffers.back().end());
  }
  for (size_t j = 0; j < instance.nodes.size(); ++j)
    for (size_t i = 0; i < j; ++i) {
      if (instance.ordered[j][i])
        continue;
      std::vector<uintptr_t> shared;
      std::set_intersection(buffers[i].begin(), buffers[i].end(),
                            buffers[j].begin(), buffers[j].end(),
                            std::back_inserter(shared));
      if (!shared.empty())
        nnc::emu::stop(
            "race in a CUDA graph: kernel " +
            nnc::emu::kernelName(instance.nodes[i].function) + " (node " +
            std::to_string(i) + ") and kernel " +
            nnc::emu::kernelName(instance.nodes[j].function) + " (node " +
            std::to_string(j) +
            ") use the same device buffer, and no dependency orders them");
    }
}

} // namespace

extern "C" {

CUresult cuGraphCreate(Graph **graph, unsigned flags) {
  if (!graph || flags)
    return kInvalidValue;
  *graph = new Graph;
  return kSuccess;
}

CUresult cuGraphAddKernelNode_v2(Node **node, Graph *graph,
                                 Node *const *dependencies,
                                 size_t dependencyCount,
                                 const KernelNodeParams *params) {
  if (!node || !graph || !params || (dependencyCount && !dependencies))
    return kInvalidValue;
  auto added = std::make_unique<Node>();
  added->graph = graph;
  for (size_t d = 0; d < dependencyCount; ++d) {
    auto found = std::find_if(
        graph->nodes.begin(), graph->nodes.end(),
        [&](const std::unique_ptr<Node> &n) { return n.get() == dependencies[d]; });
    if (found == graph->nodes.end())
      return kInvalidValue;
    added->dependencies.push_back(size_t(found - graph->nodes.begin()));
  }
  if (!added->set(*params))
    return kInvalidValue;
  *node = added.get();
  graph->nodes.push_back(std::move(added));
  return kSuccess;
}

CUresult cuGraphInstantiateWithFlags(Instance **instance, Graph *graph,
                                     unsigned long long flags) {
  if (!instance || !graph || flags)
    return kInvalidValue;
  auto *made = new Instance{graph, {}, {}, 0};
  size_t count = graph->nodes.size();
  made->ordered.assign(count, std::vector<bool>(count, false));
  for (size_t j = 0; j < count; ++j) {
    made->nodes.push_back(*graph->nodes[j]);
    // What runs before j: its dependencies and what runs before them.
    for (size_t d : graph->nodes[j]->dependencies) {
      made->ordered[j][d] = true;
      for (size_t i = 0; i < d; ++i)
        if (made->ordered[d][i])
          made->ordered[j][i] = true;
    }
  }
  *instance = made;
  return kSuccess;
}

CUresult cuGraphExecKernelNodeSetParams_v2(Instance *instance, Node *node,
                                           const KernelNodeParams *params) {
  if (!instance || !node || !params || node->graph != instance->graph)
    return kInvalidValue;
  const auto &nodes = instance->graph->nodes;
  for (size_t i = 0; i < nodes.size() && i < instance->nodes.size(); ++i)
    if (nodes[i].get() == node) {
      Node updated = instance->nodes[i];
      if (!updated.set(*params))
        return kInvalidValue;
      instance->nodes[i] = std::move(updated);
      ++instance->setSinceLaunch;
      // A driver call, like a launch (bench/gpu_profile.py --host).
      nnc::emu::spendLaunchTime(1);
      return kSuccess;
    }
  return kInvalidValue;
}

CUresult cuGraphLaunch(Instance *instance, void *stream) {
  if (!instance)
    return kInvalidValue;
  nnc::emu::traceLine("graph\t" + std::to_string(instance->nodes.size()) +
                      "\t" + std::to_string(instance->setSinceLaunch));
  instance->setSinceLaunch = 0;
  nnc::emu::spendLaunchTime(1);
  // Not when kernels are skipped: that run times the host alone.
  if (nnc::emu::kernelsRun())
    checkUnordered(*instance);
  for (Node &node : instance->nodes) {
    std::vector<void *> params = node.parameters();
    // Checked when the node was added or set: launches cannot fail here.
    if (CUresult result = nnc::emu::launchKernel(
            node.function, node.grid, node.block, node.sharedBytes, stream,
            params.data(), /*chargeHost=*/false))
      nnc::emu::stop("graph node kernel " +
                     nnc::emu::kernelName(node.function) +
                     " failed to launch (CUresult " + std::to_string(result) +
                     ")");
  }
  return kSuccess;
}

CUresult cuGraphExecDestroy(Instance *instance) {
  delete instance;
  return kSuccess;
}

CUresult cuGraphDestroy(Graph *graph) {
  delete graph;
  return kSuccess;
}

} // extern "C"
