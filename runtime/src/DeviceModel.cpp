//===- DeviceModel.cpp - a GPU model behind host entry points -------------===//

#include "runtime/src/DeviceModel.h"

#include "runtime/include/nnrt/nnrt.h"
#include "runtime/src/Cuda.h"
#include "runtime/src/Error.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nnrt {

namespace {

using cuda::CUdeviceptr;

/// A device buffer of a fixed size, allocated on first use (while a step
/// may be queued: hence not from the blocks that compiled code freed).
struct Buffer {
  size_t bytes = 0;
  CUdeviceptr pointer = 0;

  template <typename T> T *get() {
    if (!pointer)
      pointer = cuda::Device::open().allocateDedicated(bytes);
    return reinterpret_cast<T *>(pointer);
  }
};

class DeviceModel {
public:
  DeviceModel(const ModelEntryPoints &compiled, const Manifest &m);

  void startTrainStep(float *state, const float *x, const void *y,
                      const float *hyper, const float *trainable, int64_t seed,
                      int64_t step, float *metrics, float *output);
  void finishTrainStep();
  void prefetchBatch(const float *x, const void *y);
  void stagingBuffers(float **x, void **y);
  /// Waits for the copy that prefetchBatch started, if any.
  void waitForPrefetch();
  void predict(const float *state, const float *x, float *output);
  void gradient(const float *state, const float *x, const void *y, float *loss,
                float *grads);
  void lossF64(const double *state, const float *x, const void *y,
               double *loss);
  void syncState(float *state);
  void hvp(const float *state, const float *x, const void *y, const float *v,
           float *hv);

  ModelEntryPoints entryPoints;

private:
  void upload(Buffer &buffer, const void *data);
  void download(void *data, Buffer &buffer);
  /// Makes the device state that of `state`: uploaded unless the device
  /// already holds it (then the device's copy may be newer).
  void useState(const float *state);
  /// Waits for the kernels of `entry`; asynchronous failures surface here.
  void finish(const char *entry);
  /// Makes the pinned buffers and the copy stream the first time; false
  /// when the driver cannot.
  bool openCopyStream();
  /// The pinned pair after the one given last (openCopyStream made them).
  std::pair<void *, void *> nextPinnedPair();

  cuda::Device &device;
  ModelEntryPoints compiled;
  Buffer state, x, y, metrics, output, grads, loss, stateF64, lossF64Buffer,
      vector, product;
  /// The host state whose copy the device holds, and whether the device's
  /// is newer (trained since).
  const float *mirrored = nullptr;
  bool deviceAhead = false;
  /// A started training step's results: pinned copies of its metrics and
  /// outputs, copied down right behind its kernels, and an event behind
  /// the copies, so that finishTrainStep waits for this step alone (the
  /// next may be queued behind it); the host buffers they go to.
  struct StepResults {
    void *pinnedMetrics = nullptr, *pinnedOutput = nullptr;
    cuda::CUevent copied = nullptr;
    float *hostMetrics = nullptr, *hostOutput = nullptr;
  };
  /// Two when the driver has pinned memory, asynchronous copies down and
  /// events (made with the model); none otherwise, and a step's results
  /// are then copied when it is done, one step at a time.
  std::vector<StepResults> results;
  /// The oldest started step's results, and how many are started.
  size_t oldest = 0, started = 0;
  /// Where a step's metrics and outputs go without `results`.
  float *pendingMetrics = nullptr, *pendingOutput = nullptr;
  bool openResultCopies();

  /// The next batch's device buffers, filled from pinned host memory on a
  /// stream of their own while a step runs; null stream when the driver
  /// cannot.
  Buffer nextX, nextY;
  cuda::CUstream copyStream = nullptr;
  bool copyStreamFailed = false;
  /// Two pairs of pinned buffers, used in turn: the batch is filled in one
  /// while the other's batch is the step in progress or is copied up.
  void *pinnedX[2] = {}, *pinnedY[2] = {};
  int nextPinned = 0;
  /// The host batch that nextX and nextY hold a copy of.
  const void *prefetchedX = nullptr, *prefetchedY = nullptr;
};

std::unique_ptr<DeviceModel> current;

// The entry points that the runtime calls: C function pointers, hence the
// one device model per process.
void startTrainStepEntry(float *state, const float *x, const void *y,
                         const float *hyper, const float *trainable,
                         int64_t seed, int64_t step, float *metrics,
                         float *output) {
  current->startTrainStep(state, x, y, hyper, trainable, seed, step, metrics,
                          output);
}
void finishTrainStepEntry() { current->finishTrainStep(); }
void prefetchBatchEntry(const float *x, const void *y) {
  current->prefetchBatch(x, y);
}
void stagingBuffersEntry(float **x, void **y) {
  current->stagingBuffers(x, y);
}
void trainStepEntry(float *state, const float *x, const void *y,
                    const float *hyper, const float *trainable, int64_t seed,
                    int64_t step, float *metrics, float *output) {
  startTrainStepEntry(state, x, y, hyper, trainable, seed, step, metrics,
                      output);
  finishTrainStepEntry();
}
void predictEntry(const float *state, const float *x, float *output) {
  current->predict(state, x, output);
}
void gradientEntry(const float *state, const float *x, const void *y,
                   float *loss, float *grads) {
  current->gradient(state, x, y, loss, grads);
}
void lossF64Entry(const double *state, const float *x, const void *y,
                  double *loss) {
  current->lossF64(state, x, y, loss);
}
void syncStateEntry(float *state) { current->syncState(state); }
void hvpEntry(const float *state, const float *x, const void *y, const float *v,
              float *hv) {
  current->hvp(state, x, y, v, hv);
}

/// NNRT_STEPS_IN_FLIGHT=1 waits for each training step before the next
/// (to tell a fault of the overlap from one of the step); 2, the default,
/// queues the next step first.
int stepsInFlightWanted() {
  const char *value = std::getenv("NNRT_STEPS_IN_FLIGHT");
  if (!value || !*value)
    return 2;
  std::string text(value);
  if (text != "1" && text != "2")
    throw Error("NNRT_STEPS_IN_FLIGHT",
                "must be 1 or 2, not '" + text + "'", ExitUsage);
  return text == "1" ? 1 : 2;
}

size_t floatBytes(const Shape &shape) {
  return static_cast<size_t>(numElements(shape)) * sizeof(float);
}

DeviceModel::DeviceModel(const ModelEntryPoints &compiled, const Manifest &m)
    : device(cuda::Device::open()), compiled(compiled) {
  size_t stateBytes = static_cast<size_t>(m.stateSize) * sizeof(float);
  state.bytes = grads.bytes = vector.bytes = product.bytes = stateBytes;
  stateF64.bytes = static_cast<size_t>(m.stateSize) * sizeof(double);
  x.bytes = floatBytes(m.input);
  // int32 labels and float targets have the same size.
  y.bytes = floatBytes(m.target);
  output.bytes = floatBytes(m.output);
  metrics.bytes = NNRT_METRIC_COUNT * sizeof(float);
  loss.bytes = sizeof(float);
  lossF64Buffer.bytes = sizeof(double);

  entryPoints = {compiled.manifest,
                 trainStepEntry,
                 predictEntry,
                 compiled.gradient ? gradientEntry : nullptr,
                 compiled.lossF64 ? lossF64Entry : nullptr,
                 syncStateEntry,
                 compiled.hvp ? hvpEntry : nullptr};
  entryPoints.startTrainStep = startTrainStepEntry;
  entryPoints.finishTrainStep = finishTrainStepEntry;
  // PTX for sm_XY runs on that architecture and later ones only: said here
  // in nnc's terms rather than by the driver's JIT.
  unsigned compiledFor = 0;
  if (m.deviceArch.rfind("sm_", 0) == 0)
    compiledFor = std::strtoul(m.deviceArch.c_str() + 3, nullptr, 10);
  if (compiledFor > device.smVersion())
    throw Error("", "the model was compiled for " + m.deviceArch +
                        " (nnc --gpu-arch), newer than this GPU, " +
                        device.description() +
                        ": compile it with --gpu-arch=sm_" +
                        std::to_string(device.smVersion()));
  // The kernels are loaded now (the driver's JIT compiles their PTX when
  // the executable has no machine code for this GPU), before any timing.
  if (cuda::loadKernelModules)
    cuda::loadKernelModules();

  const cuda::DriverApi &api = device.api();
  nextX.bytes = x.bytes;
  nextY.bytes = y.bytes;
  // Without these, each batch is copied when its step starts.
  if (api.memAllocHost && api.streamCreate && api.memcpyHtoDAsync) {
    entryPoints.prefetchBatch = prefetchBatchEntry;
    entryPoints.stagingBuffers = stagingBuffersEntry;
  }
  if (openResultCopies())
    entryPoints.stepsInFlight = stepsInFlightWanted();
}

bool DeviceModel::openCopyStream() {
  if (copyStream)
    return true;
  if (copyStreamFailed)
    return false;
  // Pinned memory, and a non-blocking stream (flag 1) whose copies overlap
  // the kernels of the legacy stream; made by the first prefetch only, as
  // evaluation and the other commands never prefetch.
  const cuda::DriverApi &api = device.api();
  for (int pair = 0; pair < 2; ++pair)
    copyStreamFailed =
        copyStreamFailed ||
        api.memAllocHost(&pinnedX[pair], x.bytes) != cuda::kSuccess ||
        api.memAllocHost(&pinnedY[pair], y.bytes) != cuda::kSuccess;
  copyStreamFailed =
      copyStreamFailed ||
      api.streamCreate(&copyStream, /*CU_STREAM_NON_BLOCKING=*/1) !=
          cuda::kSuccess;
  if (copyStreamFailed)
    copyStream = nullptr;
  return !copyStreamFailed;
}

void DeviceModel::upload(Buffer &buffer, const void *data) {
  device.check(
      device.api().memcpyHtoD(reinterpret_cast<CUdeviceptr>(buffer.get<void>()),
                              data, buffer.bytes),
      "cuMemcpyHtoD");
}

void DeviceModel::download(void *data, Buffer &buffer) {
  device.check(device.api().memcpyDtoH(data, buffer.pointer, buffer.bytes),
               "cuMemcpyDtoH");
}

void DeviceModel::useState(const float *host) {
  if (mirrored == host)
    return;
  upload(state, host);
  mirrored = host;
  deviceAhead = false;
}

void DeviceModel::finish(const char *entry) {
  device.check(device.api().ctxSynchronize(),
               std::string("the kernels of ") + entry);
}

void DeviceModel::startTrainStep(float *hostState, const float *hostX,
                                 const void *hostY, const float *hostHyper,
                                 const float *hostTrainable, int64_t seed,
                                 int64_t step, float *hostMetrics,
                                 float *hostOutput) {
  useState(hostState);
  bool prefetched = prefetchedX == hostX && prefetchedY == hostY;
  waitForPrefetch();
  if (prefetched) {
    std::swap(x, nextX);
    std::swap(y, nextY);
  } else {
    upload(x, hostX);
    upload(y, hostY);
  }
  // Hyperparameters and trainable flags are host memory (docs/abi.md). The
  // compiled step returns once its kernels are queued (mgpuStreamSynchronize
  // does not wait): recorded, and launched as one CUDA graph when they can
  // be (StepGraph.h).
  if (cuda::beginRecordedStep)
    cuda::beginRecordedStep();
  compiled.trainStep(state.get<float>(), x.get<float>(), y.get<void>(),
                     hostHyper, hostTrainable, seed, step, metrics.get<float>(),
                     output.get<float>());
  if (cuda::launchRecordedStep)
    cuda::launchRecordedStep();
  deviceAhead = true;
  if (results.empty()) {
    pendingMetrics = hostMetrics;
    pendingOutput = hostOutput;
    return;
  }
  // A third would take the oldest step's buffers before it is read.
  if (started == results.size())
    throw Error("", "nnc_train_step started while " +
                        std::to_string(started) +
                        " steps are in flight (the most is stepsInFlight)");
  // Queued behind the kernels on the legacy stream: the copies start the
  // moment the step ends, not when the host comes to wait for it.
  StepResults &r = results[(oldest + started) % results.size()];
  ++started;
  r.hostMetrics = hostMetrics;
  r.hostOutput = hostOutput;
  const cuda::DriverApi &api = device.api();
  device.check(api.memcpyDtoHAsync(r.pinnedMetrics, metrics.pointer,
                                   metrics.bytes, /*legacy stream=*/nullptr),
               "cuMemcpyDtoHAsync of the step's metrics");
  device.check(api.memcpyDtoHAsync(r.pinnedOutput, output.pointer,
                                   output.bytes, nullptr),
               "cuMemcpyDtoHAsync of the step's outputs");
  device.check(api.eventRecord(r.copied, nullptr),
               "cuEventRecord after the step's results");
}

bool DeviceModel::openResultCopies() {
  const cuda::DriverApi &api = device.api();
  if (!api.memAllocHost || !api.memcpyDtoHAsync || !api.eventCreate ||
      !api.eventRecord || !api.eventSynchronize)
    return false;
  std::vector<StepResults> made(2);
  for (StepResults &r : made)
    if (api.memAllocHost(&r.pinnedMetrics, metrics.bytes) != cuda::kSuccess ||
        api.memAllocHost(&r.pinnedOutput, output.bytes) != cuda::kSuccess ||
        // CU_EVENT_DISABLE_TIMING: only waited for.
        api.eventCreate(&r.copied, 2) != cuda::kSuccess)
      return false;
  results = std::move(made);
  return true;
}

void DeviceModel::waitForPrefetch() {
  if (!prefetchedX)
    return;
  // Copied while the previous step ran: long done.
  device.check(device.api().streamSynchronize(copyStream),
               "the copy of the next batch (cuMemcpyHtoDAsync)");
  prefetchedX = prefetchedY = nullptr;
}

std::pair<void *, void *> DeviceModel::nextPinnedPair() {
  std::pair<void *, void *> pair{pinnedX[nextPinned], pinnedY[nextPinned]};
  nextPinned ^= 1;
  return pair;
}

void DeviceModel::stagingBuffers(float **hostX, void **hostY) {
  *hostX = nullptr;
  *hostY = nullptr;
  if (!openCopyStream())
    return;
  auto [pairX, pairY] = nextPinnedPair();
  *hostX = static_cast<float *>(pairX);
  *hostY = pairY;
}

void DeviceModel::prefetchBatch(const float *hostX, const void *hostY) {
  // Without a copy stream the step copies its batch itself.
  if (!openCopyStream())
    return;
  waitForPrefetch();
  // Filled in place (stagingBuffers), or copied into the pair that
  // stagingBuffers would give next.
  const void *fromX = hostX, *fromY = hostY;
  bool staged = false;
  for (int pair = 0; pair < 2; ++pair)
    staged |= hostX == pinnedX[pair] && hostY == pinnedY[pair];
  if (!staged) {
    auto [pairX, pairY] = nextPinnedPair();
    std::memcpy(pairX, hostX, x.bytes);
    std::memcpy(pairY, hostY, y.bytes);
    fromX = pairX;
    fromY = pairY;
  }
  const cuda::DriverApi &api = device.api();
  device.check(
      api.memcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(nextX.get<void>()),
                          fromX, x.bytes, copyStream),
      "cuMemcpyHtoDAsync");
  device.check(
      api.memcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(nextY.get<void>()),
                          fromY, y.bytes, copyStream),
      "cuMemcpyHtoDAsync");
  prefetchedX = hostX;
  prefetchedY = hostY;
}

void DeviceModel::finishTrainStep() {
  if (results.empty()) {
    finish("nnc_train_step");
    download(pendingMetrics, metrics);
    download(pendingOutput, output);
    return;
  }
  if (started == 0)
    return;
  // This step's kernels, then its copies: a failure of either (or of the
  // step before) surfaces here.
  StepResults &r = results[oldest];
  device.check(device.api().eventSynchronize(r.copied),
               "the kernels of nnc_train_step or the copies of its results");
  std::memcpy(r.hostMetrics, r.pinnedMetrics, metrics.bytes);
  std::memcpy(r.hostOutput, r.pinnedOutput, output.bytes);
  oldest = (oldest + 1) % results.size();
  --started;
}

void DeviceModel::predict(const float *hostState, const float *hostX,
                          float *hostOutput) {
  useState(hostState);
  upload(x, hostX);
  compiled.predict(state.get<float>(), x.get<float>(), output.get<float>());
  finish("nnc_predict");
  download(hostOutput, output);
}

void DeviceModel::gradient(const float *hostState, const float *hostX,
                           const void *hostY, float *hostLoss,
                           float *hostGrads) {
  useState(hostState);
  upload(x, hostX);
  upload(y, hostY);
  compiled.gradient(state.get<float>(), x.get<float>(), y.get<void>(),
                    loss.get<float>(), grads.get<float>());
  finish("nnc_gradient");
  download(hostLoss, loss);
  download(hostGrads, grads);
}

void DeviceModel::lossF64(const double *hostState, const float *hostX,
                          const void *hostY, double *hostLoss) {
  // Finite differences change the state between calls: upload every time.
  upload(stateF64, hostState);
  upload(x, hostX);
  upload(y, hostY);
  compiled.lossF64(stateF64.get<double>(), x.get<float>(), y.get<void>(),
                   lossF64Buffer.get<double>());
  finish("nnc_loss_f64");
  download(hostLoss, lossF64Buffer);
}

void DeviceModel::hvp(const float *hostState, const float *hostX,
                      const void *hostY, const float *hostV, float *hostHv) {
  // The device's state is the current one when the host's is behind.
  useState(hostState);
  upload(x, hostX);
  upload(y, hostY);
  upload(vector, hostV);
  compiled.hvp(state.get<float>(), x.get<float>(), y.get<void>(),
               vector.get<float>(), product.get<float>());
  finish("nnc_hvp");
  download(hostHv, product);
}

void DeviceModel::syncState(float *host) {
  if (mirrored != host || !deviceAhead)
    return;
  download(host, state);
  deviceAhead = false;
}

} // namespace

const ModelEntryPoints &openDeviceModel(const ModelEntryPoints &compiled,
                                        const Manifest &m) {
  if (!current)
    current = std::make_unique<DeviceModel>(compiled, m);
  return current->entryPoints;
}

} // namespace nnrt
