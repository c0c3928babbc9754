//===- StepGraph.h - a training step's launches as one CUDA graph -*- C++ -*-===//
//
// A training step is a few dozen small kernels; launched one by one, the
// host spends a few microseconds of driver time on each, and on small models
// that, not the GPU, bounds the step rate. Every step launches the same
// kernels with the same shapes, and mostly the same parameters (the batch
// buffers alternate, the step number changes): so the launches of a step
// are recorded instead of made, and replayed as a CUDA graph (one
// cuGraphLaunch), built once the same launches come twice in a row and kept
// from then on, with only the parameters that changed since the last
// replay set anew (cuGraphExecKernelNodeSetParams).
//
// The graph is a chain in launch order, launched on the legacy stream: the
// kernels run in the order and with the values they would have had, so the
// results are those of launching them one by one. Where the driver lacks the
// graph API or refuses a graph, the launches are made one by one (after one
// warning) for the rest of the run.
//
// Not thread-safe, like the rest of the CUDA layer (Cuda.h).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_STEPGRAPH_H
#define NNRT_STEPGRAPH_H

#include "runtime/src/Cuda.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt::cuda {

/// "kernel <name> (cuLaunchKernel, grid XxYxZ, block XxYxZ)": how a failed
/// launch is named.
std::string describeLaunch(const char *name, const unsigned grid[3],
                           const unsigned block[3]);

class StepGraph {
public:
  explicit StepGraph(const DriverApi &api);
  ~StepGraph();
  StepGraph(const StepGraph &) = delete;
  StepGraph &operator=(const StepGraph &) = delete;

  /// Whether the driver has the graph API and graphs were not turned off
  /// (nor given up on after a failure).
  bool enabled() const { return usable; }
  /// Turns graphs off for the rest of the run.
  void disable();

  /// From now on record() keeps launches for launch(); no-op unless enabled.
  void begin();
  bool recording() const { return isRecording; }

  /// Keeps one launch of the step, its parameters' values copied (`sizes`
  /// bytes of each of `params`), as cuLaunchKernel would copy them. `name`
  /// and `sizes` must outlive the StepGraph (they are the kernel's).
  void record(CUfunction function, const char *name, const unsigned grid[3],
              const unsigned block[3], unsigned sharedBytes, void **params,
              const std::vector<uint32_t> &sizes);

  /// Launches what was recorded since begin() on the legacy stream and stops
  /// recording: as the graph of the steps before, when the same kernels come
  /// with the same shapes; as a new graph, when they are those of the step
  /// before; else one by one. Throws nnrt::Error naming the kernel when a
  /// launch fails.
  void launch();

  /// Launches what was recorded one by one and stops recording until the
  /// next begin(): for a step that copies or waits between its kernels,
  /// which a graph of kernels alone cannot hold.
  void abandon();

  /// What launch() did so far (tests, and the profile's counts).
  struct Counts {
    size_t graphsBuilt = 0, graphLaunches = 0, nodeUpdates = 0,
           directLaunches = 0;
  };
  const Counts &counts() const { return done; }

private:
  struct Launch {
    CUfunction function;
    const char *name;
    unsigned grid[3], block[3], sharedBytes;
    /// Its parameters' values: `sizes` bytes each from `offset` in `values`
    /// (the kernel's sizes, kept by the caller for the run).
    size_t offset;
    const std::vector<uint32_t> *sizes;
  };
  struct Recording {
    std::vector<Launch> launches;
    std::vector<char> values;
    void clear();
  };

  /// Same kernels, same shapes, same parameter sizes, in the same order.
  static bool sameShape(const Recording &a, const Recording &b);
  /// cuLaunchKernel's parameter array of `launch` in `recording`.
  static std::vector<void *> parameters(Recording &recording,
                                        const Launch &launch);
  static KernelNodeParams nodeParams(const Launch &launch, void **params);

  void launchOneByOne(Recording &recording);
  /// Sets the nodes whose parameters differ from `previous`', then launches
  /// the instance; false (graphs given up) when the driver refuses.
  bool replay();
  /// Builds and instantiates the graph of `current`, then launches it;
  /// false (graphs given up) when the driver refuses.
  bool build();
  /// cuGraphLaunch of the instance; false (graphs given up) when refused.
  bool launchInstance();
  void destroyGraph();
  /// Turns graphs off after the driver refused `what`.
  void giveUp(const char *what, CUresult result);

  const DriverApi &api;
  bool usable, isRecording = false;
  /// This step's launches, and the step before's.
  Recording current, previous;
  /// The graph (its nodes in launch order) and its instance, whose
  /// parameters are those of `previous` when `instanceCurrent`.
  CUgraph graph = nullptr;
  CUgraphExec instance = nullptr;
  std::vector<CUgraphNode> nodes;
  bool instanceCurrent = false;
  Counts done;
};

} // namespace nnrt::cuda

#endif // NNRT_STEPGRAPH_H
