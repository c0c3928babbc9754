//===- Graphs.cpp - CUDA graphs of kernel nodes, emulated -----------------===//
//
// cuGraphCreate, cuGraphAddKernelNode_v2, cuGraphInstantiateWithFlags,
// cuGraphExecKernelNodeSetParams_v2, cuGraphLaunch and the two destroys:
// what the runtime's StepGraph uses. As the driver does, a node copies its
// parameters' values when it is added or set (so the caller's may change
// after), an instance copies its graph's nodes (so changing the graph later
// does not change it), and a launch runs the instance's nodes in an order
// that keeps each after its dependencies, on the launch's stream (here: the
// order they were added in, which does). Each node launch is checked and
// queued like cuLaunchKernel's (Launch.h); NNC_EMU_TRACE gets a line
// "graph <nodes> <nodes set since the last launch>" before them.
//
//===----------------------------------------------------------------------===//

#include "tools/cuda-emulator/Launch.h"

#include <cstring>
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
  void *function;
  unsigned grid[3], block[3], sharedBytes;
  /// The parameters' values, `sizes` bytes each, one after another.
  std::vector<uint32_t> sizes;
  std::vector<char> values;

  /// Copies `params` as the node's; false when they cannot be known.
  bool set(const KernelNodeParams &params) {
    std::optional<std::vector<uint32_t>> known =
        nnc::emu::parameterSizes(params.func);
    if (!params.func || params.kern || params.extra || !known)
      return false;
    function = params.func;
    unsigned g[3] = {params.gridDimX, params.gridDimY, params.gridDimZ};
    unsigned b[3] = {params.blockDimX, params.blockDimY, params.blockDimZ};
    std::memcpy(grid, g, sizeof grid);
    std::memcpy(block, b, sizeof block);
    sharedBytes = params.sharedMemBytes;
    sizes = *known;
    values.clear();
    for (size_t i = 0; i < sizes.size(); ++i) {
      const char *value = static_cast<const char *>(params.kernelParams[i]);
      values.insert(values.end(), value, value + sizes[i]);
    }
    return true;
  }

  /// cuLaunchKernel's parameter array into `values`.
  std::vector<void *> parameters() {
    std::vector<void *> pointers;
    size_t at = 0;
    for (uint32_t bytes : sizes) {
      pointers.push_back(values.data() + at);
      at += bytes;
    }
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
  unsigned setSinceLaunch = 0;
};

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
  for (size_t i = 0; i < dependencyCount; ++i)
    if (!dependencies[i] || dependencies[i]->graph != graph)
      return kInvalidValue;
  auto added = std::make_unique<Node>();
  added->graph = graph;
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
  auto *made = new Instance{graph, {}, 0};
  for (const std::unique_ptr<Node> &node : graph->nodes)
    made->nodes.push_back(*node);
  *instance = made;
  return kSuccess;
}

CUresult cuGraphExecKernelNodeSetParams_v2(Instance *instance, Node *node,
                                           const KernelNodeParams *params) {
  if (!instance || !node || !params || node->graph != instance->graph)
    return kInvalidValue;
  const auto &nodes = instance->graph->nodes;
  for (size_t i = 0; i < nodes.size(); ++i)
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
  for (Node &node : instance->nodes) {
    std::vector<void *> params = node.parameters();
    if (CUresult result = nnc::emu::launchKernel(
            node.function, node.grid, node.block, node.sharedBytes, stream,
            params.data(), /*chargeHost=*/false))
      return result;
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
