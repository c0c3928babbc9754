//===- TrainCommand.cpp - `train`: the training loop ----------------------===//
//
// Runs nnc_train_step over shuffled batches, evaluates on the test set after
// every epoch, logs metrics and saves checkpoints from which a later run
// resumes bit-identically: the batch order is a function of (seed, epoch),
// the noise of (seed, step), and the checkpoint records both positions.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/Commands.h"

#include "runtime/include/nnrt/nnrt.h"
#include "runtime/src/BackgroundJob.h"
#include "runtime/src/Error.h"
#include "runtime/src/Evaluate.h"
#include "runtime/src/FileIO.h"
#include "runtime/src/Curvature.h"
#include "runtime/src/Lsuv.h"
#include "runtime/src/MetricsLog.h"
#include "runtime/src/Progress.h"
#include "runtime/src/Shuffle.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <unistd.h>

namespace nnrt {

namespace {

using Clock = std::chrono::steady_clock;

/// Loss and gradient norm are checked after every step; the whole state is
/// scanned this often and at every epoch end, before any checkpoint is
/// written (a scan reads the state once: cheap, but not free per step).
constexpr int64_t kScanInterval = 100;

constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

/// How far a run has come; a checkpoint records it.
struct Position {
  int64_t step = 0;      // Steps done since the start of training.
  int64_t epoch = 0;     // Epochs completed.
  int64_t epochStep = 0; // Steps done in the current epoch.
};

struct Settings {
  int64_t seed = 0;
  float lr = 0, clip = 0, noise = 0;
  bool shuffle = true;
  std::vector<std::string> freeze;
  int64_t epochs = 1;
  int64_t maxSteps = kUnlimited;
};

/// The metadata of the checkpoint that --resume continues.
class SavedRun {
public:
  explicit SavedRun(const SafetensorsFile *file) : file(file) {}

  std::optional<std::string> text(const std::string &key) const {
    if (!file)
      return std::nullopt;
    auto it = file->metadata.find(key);
    if (it == file->metadata.end())
      return std::nullopt;
    return it->second;
  }
  std::optional<double> number(const std::string &key) const {
    std::optional<std::string> value = text(key);
    if (!value)
      return std::nullopt;
    std::optional<double> parsed = parseDouble(*value);
    if (!parsed)
      throw Error(file->path,
                  "metadata " + key + " '" + *value + "' is not a number");
    return parsed;
  }
  int64_t integer(const std::string &key) const {
    std::optional<std::string> value = text(key);
    std::optional<int64_t> parsed = value ? parseInt(*value) : std::nullopt;
    if (!parsed || *parsed < 0)
      throw Error(file->path, "metadata " + key +
                                  (value ? " '" + *value + "' is not a count"
                                         : " is missing"));
    return *parsed;
  }

private:
  const SafetensorsFile *file;
};

/// Command line first, then the resumed checkpoint, then the model's
/// defaults.
Settings resolveSettings(const Session &s, const SavedRun &saved) {
  const Options &o = s.options;
  const Manifest &m = s.manifest;
  Settings settings;
  auto pick = [&](const char *option, const char *key,
                  const char *hparam) -> std::optional<double> {
    if (std::optional<double> value = o.number(option))
      return value;
    if (std::optional<double> value = saved.number(key))
      return value;
    return m.hparam(hparam);
  };

  std::optional<double> lr = pick("lr", "lr", "lr");
  if (!lr)
    throw UsageError("--lr", "the model sets no default learning rate; "
                             "pass --lr");
  // As the f32 that the step uses: 1e-50 rounds to 0.
  if (!(static_cast<float>(*lr) > 0)) {
    std::string message = formatString("must be > 0 as a float, got %g", *lr);
    if (o.number("lr"))
      throw UsageError("--lr", message);
    throw Error("the learning rate of the checkpoint or the model", message);
  }
  settings.lr = static_cast<float>(*lr);
  settings.clip =
      static_cast<float>(pick("clip", "clip_norm", "clip_norm").value_or(0));
  settings.noise =
      static_cast<float>(pick("noise", "noise", "noise").value_or(0));

  settings.seed = defaultSeed(s);
  if (saved.text("seed")) {
    int64_t savedSeed = saved.integer("seed");
    if (o.has("seed") && settings.seed != savedSeed)
      throw UsageError("--seed", "the checkpoint was trained with seed " +
                                     std::to_string(savedSeed) +
                                     "; a resumed run keeps its seed");
    settings.seed = savedSeed;
  }
  settings.shuffle = !o.has("no-shuffle") && saved.text("shuffle") != "0";
  if (o.has("freeze"))
    settings.freeze = o.list("freeze");
  else if (std::optional<std::string> frozen = saved.text("freeze"))
    settings.freeze =
        frozen->empty() ? std::vector<std::string>() : split(*frozen, ',');

  std::optional<int64_t> steps = o.count("steps");
  if (steps && *steps < 1)
    throw UsageError("--steps", "must be at least 1");
  settings.maxSteps = steps.value_or(kUnlimited);
  std::optional<int64_t> epochs = o.count("epochs");
  if (epochs && *epochs < 1)
    throw UsageError("--epochs", "must be at least 1");
  if (!epochs && saved.text("epochs"))
    epochs = saved.integer("epochs");
  if (!epochs && m.hparam("epochs"))
    epochs = static_cast<int64_t>(*m.hparam("epochs"));
  // Without any epoch count, --steps alone decides when to stop.
  settings.epochs = epochs.value_or(steps ? kUnlimited : 1);
  return settings;
}

Metadata checkpointMetadata(const Manifest &m, const Settings &settings,
                            const Position &position) {
  Metadata meta = {{"format", kCheckpointFormat},
                   {"nnc_version", std::to_string(m.version)},
                   {"model", m.model},
                   {"seed", std::to_string(settings.seed)},
                   {"step", std::to_string(position.step)},
                   {"epoch", std::to_string(position.epoch)},
                   {"epoch_step", std::to_string(position.epochStep)},
                   {"lr", formatFloat(settings.lr)},
                   {"clip_norm", formatFloat(settings.clip)},
                   {"noise", formatFloat(settings.noise)},
                   {"shuffle", settings.shuffle ? "1" : "0"},
                   {"freeze", join(settings.freeze, ",")}};
  if (settings.epochs != kUnlimited)
    meta["epochs"] = std::to_string(settings.epochs);
  return meta;
}

/// Errors with the first tensor holding a NaN or an infinity.
void checkStateFinite(const Manifest &m, const std::vector<float> &state,
                      const Position &position) {
  for (const TensorInfo &t : m.tensors)
    if (firstNonFinite(state.data() + t.offset, t.numel()) != t.numel())
      throw Error("", "non-finite value in tensor " + t.name + " at step " +
                          std::to_string(position.step) + " (epoch " +
                          std::to_string(position.epoch + 1) + ")");
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool isTerminal() { return ::isatty(STDOUT_FILENO) == 1; }

/// What one epoch (or the part of it that this run trained) measured.
struct EpochStats {
  Clock::time_point start = Clock::now();
  /// The seconds of the timed steps: all of the epoch's but the process's
  /// first (a warm-up that allocates the buffers and, on a GPU, loads the
  /// kernels), unless it is the only one.
  double trainSeconds = 0;
  double lossSum = 0, gradNormSum = 0;
  int64_t steps = 0, clipped = 0, timedSteps = 0;
  int64_t correct = 0; // Of the batches' outputs, before each update.

  double samplesPerSecond(int64_t batch) const {
    return trainSeconds > 0 ? timedSteps * batch / trainSeconds : 0.0;
  }
};

class Trainer {
public:
  Trainer(Session &s, const Settings &settings, std::vector<float> state,
          Position position)
      : s(s), m(s.manifest), settings(settings), state(std::move(state)),
        position(position),
        progress(stdout, isTerminal(), isTerminal() ? 0.1 : 1.0) {}

  int run();

private:
  void trainEpoch(const Dataset &train, EpochStats &stats);
  void finishEpoch(const Dataset &test, EpochStats &stats, bool complete);
  std::string epochLabel() const;
  /// Brings the state of a GPU model back from the device before the host
  /// reads it.
  void syncState();

  Session &s;
  const Manifest &m;
  Settings settings;
  std::vector<float> state;
  Position position;
  Progress progress;
  std::optional<MetricsLog> metrics;
  std::vector<float> trainable;
  int64_t stepsPerEpoch = 0;
  Score lastTest;
  /// Whether this process ran a training step yet (the warm-up).
  bool warmedUp = false;
};

std::string Trainer::epochLabel() const {
  if (settings.epochs == kUnlimited)
    return std::to_string(position.epoch + 1);
  return std::to_string(position.epoch + 1) + "/" +
         std::to_string(settings.epochs);
}

void Trainer::trainEpoch(const Dataset &train, EpochStats &stats) {
  int64_t batch = m.batchSize();
  std::vector<int64_t> order =
      settings.shuffle
          ? shuffledOrder(train.count(), settings.seed, position.epoch)
          : fileOrder(train.count());
  std::vector<float> x(numElements(m.input));
  // int32_t labels and float targets have the same size: one buffer fits.
  std::vector<int32_t> y(numElements(m.target));
  // The next step's batch, filled while a GPU runs this one: in these, or
  // in the device model's pinned buffers (stagingBuffers), which its copy
  // to the GPU reads directly.
  std::vector<float> nextX(x.size());
  std::vector<int32_t> nextY(y.size());
  struct Batch {
    float *x;
    int32_t *y;
  } current{x.data(), y.data()}, next{nextX.data(), nextY.data()};
  bool nextFilled = false;
  auto fillBatch = [&](int64_t epochStep, float *xs, int32_t *ys) {
    const int64_t *indices = order.data() + epochStep * batch;
    train.x.fill(indices, batch, batch, xs);
    train.y.fill(indices, batch, batch, ys);
  };
  // Fills the next batch while a GPU step is queued: its launches and the
  // conversion of the batch each take the host tens of microseconds.
  // Declared after what the fill uses, so that it is waited for first.
  BackgroundJob filler;
  const float hyper[NNRT_HP_COUNT] = {settings.lr, settings.clip,
                                      settings.noise};
  // A started step's results, and its labels (its batch buffers are
  // refilled before a pipelined step is finished).
  struct StepResults {
    float metrics[NNRT_METRIC_COUNT];
    std::vector<float> output;
    std::vector<int32_t> labels;
  };
  StepResults results[2];
  for (StepResults &r : results) {
    r.output.resize(numElements(m.output));
    r.labels.resize(y.size());
  }
  // A GPU that queues a step behind another gets the next step before the
  // host waits for this one: it never idles while the host finishes a step
  // and starts the next (Model.h, stepsInFlight).
  const bool pipelined =
      s.model.startTrainStep && s.model.stepsInFlight > 1;
  size_t oldest = 0, inFlight = 0;
  // Steps started (position counts those finished).
  int64_t startedStep = position.step, startedEpochStep = position.epochStep;
  std::optional<int64_t> logEvery = s.options.count("log-every");
  std::optional<int64_t> hessianEvery = s.options.count("hessian-every");
  CurvatureOptions curvature = curvatureOptions(s);
  Clock::time_point start = Clock::now();
  const Clock::time_point epochStart = start;

  // Everything after a step: the checks, the statistics, the log.
  auto finished = [&](const StepResults &r, const int32_t *labels) {
    ++position.step;
    ++position.epochStep;
    float loss = r.metrics[NNRT_METRIC_LOSS];
    float gradNorm = r.metrics[NNRT_METRIC_GRAD_NORM];
    if (!std::isfinite(loss) || !std::isfinite(gradNorm))
      throw Error("", std::string("non-finite ") +
                          (std::isfinite(loss) ? "gradient norm" : "loss") +
                          " at step " + std::to_string(position.step) +
                          " (epoch " + std::to_string(position.epoch + 1) +
                          ")");
    if (position.step % kScanInterval == 0) {
      syncState();
      checkStateFinite(m, state, position);
    }

    bool clipped = settings.clip > 0 && gradNorm > settings.clip;
    ++stats.steps;
    if (warmedUp) {
      ++stats.timedSteps;
    } else {
      // Samples per second start after the warm-up step (pipelined: when
      // the second step is started, before the first is finished).
      warmedUp = true;
      if (!pipelined)
        start = Clock::now();
    }
    stats.lossSum += loss;
    stats.gradNormSum += gradNorm;
    stats.clipped += clipped;
    if (m.isClassifier())
      stats.correct += countCorrect(m, r.output.data(), labels, batch);

    if (logEvery && position.step % *logEvery == 0)
      metrics->write({{"step", position.step},
                      {"loss", loss},
                      {"grad_norm", gradNorm},
                      {"clipped", clipped}});

    progress.update(
        [&] {
          double seconds = secondsSince(start);
          std::string status = formatString(
              "epoch %s  step %lld/%lld  loss %.4f", epochLabel().c_str(),
              static_cast<long long>(position.epochStep),
              static_cast<long long>(stepsPerEpoch),
              stats.lossSum / stats.steps);
          if (m.isClassifier())
            status += formatString("  acc %.4f", double(stats.correct) /
                                                     (stats.steps * batch));
          return status + formatString("  %.0f samples/s",
                                       seconds > 0
                                           ? stats.timedSteps * batch / seconds
                                           : 0.0);
        },
        position.epochStep, stepsPerEpoch);
  };
  auto finishOldest = [&] {
    s.model.finishTrainStep();
    const StepResults &r = results[oldest];
    oldest = (oldest + 1) % 2;
    --inFlight;
    finished(r, r.labels.data());
  };

  while (startedEpochStep < stepsPerEpoch && startedStep < settings.maxSteps) {
    if (nextFilled) {
      std::swap(current, next);
      nextFilled = false;
    } else {
      fillBatch(startedEpochStep, current.x, current.y);
    }
    bool hessianDue =
        hessianEvery && (startedStep + 1) % *hessianEvery == 0;
    // The state scan after every kScanInterval steps and the curvature
    // read the weights of the steps so far: none may be queued.
    if (hessianDue || startedStep % kScanInterval == 0)
      while (inFlight)
        finishOldest();
    // At the weights and on the batch of this step's loss.
    if (hessianDue) {
      CurvatureEstimate e = estimateCurvature(s, state, current.x, current.y,
                                              1, trainable, curvature);
      metrics->write({{"step", startedStep + 1},
                      {"hessian_top_eigenvalue", e.topEigenvalue},
                      {"hessian_trace", e.reportedTrace()}});
    }
    StepResults &r = results[(oldest + inFlight) % 2];
    if (!s.model.startTrainStep) {
      s.model.trainStep(state.data(), current.x, current.y, hyper,
                        trainable.data(), settings.seed, startedStep,
                        r.metrics, r.output.data());
      ++startedStep;
      ++startedEpochStep;
      finished(r, current.y);
      continue;
    }
    bool fillNext = startedEpochStep + 1 < stepsPerEpoch &&
                    startedStep + 1 < settings.maxSteps;
    if (fillNext) {
      float *stagedX = nullptr;
      void *stagedY = nullptr;
      if (s.model.stagingBuffers)
        s.model.stagingBuffers(&stagedX, &stagedY);
      if (stagedX)
        next = {stagedX, static_cast<int32_t *>(stagedY)};
      filler.start([&, epochStep = startedEpochStep + 1, into = next] {
        fillBatch(epochStep, into.x, into.y);
      });
    }
    if (pipelined && !warmedUp && inFlight == 1)
      start = Clock::now();
    std::copy(current.y, current.y + y.size(), r.labels.begin());
    s.model.startTrainStep(state.data(), current.x, current.y, hyper,
                           trainable.data(), settings.seed, startedStep,
                           r.metrics, r.output.data());
    ++inFlight;
    ++startedStep;
    ++startedEpochStep;
    // The step before, done while this one runs; its device buffers are
    // then free for the next batch's copy.
    if (pipelined && inFlight > 1)
      finishOldest();
    if (fillNext) {
      filler.wait();
      nextFilled = true;
      if (s.model.prefetchBatch)
        s.model.prefetchBatch(next.x, next.y);
    }
    if (!pipelined)
      finishOldest();
  }
  while (inFlight)
    finishOldest();
  // Only the warm-up: time it.
  stats.trainSeconds = secondsSince(stats.timedSteps ? start : epochStart);
  if (stats.timedSteps == 0)
    stats.timedSteps = stats.steps;
}

void Trainer::finishEpoch(const Dataset &test, EpochStats &stats,
                          bool complete) {
  syncState();
  checkStateFinite(m, state, position);
  lastTest = evaluate(s.model, m, state.data(), test);
  double samplesPerSecond =
      stats.samplesPerSecond(m.batchSize());
  double trainLoss = stats.steps ? stats.lossSum / stats.steps : 0.0;
  std::string line = complete
                         ? "epoch " + epochLabel()
                         : formatString("stopped at step %lld (epoch %s)",
                                        static_cast<long long>(position.step),
                                        epochLabel().c_str());
  line += formatString(": train loss %.4f  test loss %.4f", trainLoss,
                       lastTest.loss());
  if (m.isClassifier())
    line += formatString("  test accuracy %.4f", lastTest.accuracy());
  line += formatString("  (%.0f samples/s, %.1f s)", samplesPerSecond,
                       secondsSince(stats.start));
  progress.print(line);

  nlohmann::json record = {
      {"epoch", position.epoch + 1},
      {"step", position.step},
      {"complete", complete},
      {"train_loss", trainLoss},
      {"test_loss", lastTest.loss()},
      {"test_accuracy", m.isClassifier() ? nlohmann::json(lastTest.accuracy())
                                         : nlohmann::json()},
      {"samples_per_s", samplesPerSecond},
      {"grad_norm", stats.steps ? stats.gradNormSum / stats.steps : 0.0},
      {"clipped_fraction",
       stats.steps ? double(stats.clipped) / stats.steps : 0.0},
      {"wall_s", secondsSince(stats.start)}};
  if (metrics)
    metrics->write(record);
}

void Trainer::syncState() {
  if (s.model.syncState)
    s.model.syncState(state.data());
}

int Trainer::run() {
  const Options &o = s.options;
  std::optional<std::string> savePath = o.text("save");
  if (savePath)
    checkWritable(*savePath);

  TensorFilter frozen = selectTensors(m, settings.freeze, "--freeze");
  for (const TensorInfo &t : m.tensors)
    trainable.push_back(t.role == Role::Trainable && !frozen(t.name) ? 1.0f
                                                                     : 0.0f);

  Dataset train = loadData(s, Split::Train);
  Dataset test = loadData(s, Split::Test);
  stepsPerEpoch = train.count() / m.batchSize();
  if (stepsPerEpoch == 0)
    throw Error(train.description,
                std::to_string(train.count()) +
                    " training samples are fewer than the batch size " +
                    std::to_string(m.batchSize()));
  if (position.epochStep >= stepsPerEpoch)
    throw Error(o.text("resume").value_or(""),
                "stopped at step " + std::to_string(position.epochStep) +
                    " of an epoch, but an epoch of this data has only " +
                    std::to_string(stepsPerEpoch) + " steps");
  if (position.epoch >= settings.epochs || position.step >= settings.maxSteps)
    throw UsageError(o.has("steps") ? "--steps" : "--epochs",
                     "the checkpoint has already trained " +
                         std::to_string(position.epoch) + " epoch(s), " +
                         std::to_string(position.step) +
                         " step(s); ask for more");
  if (std::optional<std::string> path = o.text("metrics"))
    metrics.emplace(*path);

  while (position.epoch < settings.epochs &&
         position.step < settings.maxSteps) {
    EpochStats stats;
    trainEpoch(train, stats);
    bool complete = position.epochStep == stepsPerEpoch;
    finishEpoch(test, stats, complete);
    if (complete) {
      ++position.epoch;
      position.epochStep = 0;
    }
    if (savePath)
      saveCheckpoint(*savePath, m, state.data(),
                     checkpointMetadata(m, settings, position));
    if (!complete)
      break;
  }
  if (m.isClassifier())
    progress.print(formatString("test accuracy: %.4f", lastTest.accuracy()));
  else
    progress.print(formatString("test loss: %.6f", lastTest.loss()));
  return ExitOk;
}

} // namespace

int runTrain(Session &s) {
  const Options &o = s.options;
  const Manifest &m = s.manifest;
  if (o.has("resume") && o.has("init-from"))
    throw UsageError("--resume", "cannot be combined with --init-from "
                                 "(--resume continues a run, --init-from "
                                 "starts a new one)");
  if (o.has("init") && (o.has("resume") || o.has("init-from")))
    throw UsageError("--init", "starts a new run from the model's "
                               "initializers; it cannot be combined with "
                               "--resume or --init-from");
  if (o.has("reinit") && !o.has("init-from"))
    throw UsageError("--reinit", "needs --init-from");
  if (std::optional<int64_t> every = o.count("log-every"); every && *every < 1)
    throw UsageError("--log-every", "must be at least 1");
  if (o.has("log-every") && !o.has("metrics"))
    throw UsageError("--log-every", "needs --metrics FILE");
  if (std::optional<int64_t> every = o.count("hessian-every")) {
    if (*every < 1 || !o.has("metrics"))
      throw UsageError("--hessian-every",
                       *every < 1 ? "must be at least 1" : "needs --metrics FILE");
    requireHessianProducts(s);
  }

  std::optional<SafetensorsFile> resumed;
  std::vector<float> state;
  Position position;
  if (std::optional<std::string> path = o.text("resume")) {
    // Check that this is a run of this model before loading tensors.
    resumed = readSafetensors(*path);
    SavedRun saved(&*resumed);
    if (saved.text("format") != std::string(kCheckpointFormat))
      throw Error(*path, "not an nnc training checkpoint (no training "
                         "position in its metadata); start from its "
                         "weights with --init-from instead");
    if (saved.text("model") != m.model)
      throw Error(*path, "was trained by model " +
                             saved.text("model").value_or("?") + ", this is " +
                             m.model);
    state.assign(m.stateSize, 0.0f);
    loadTensors(*resumed, m, state.data(),
                [](const std::string &) { return false; });
    position = {saved.integer("step"), saved.integer("epoch"),
                saved.integer("epoch_step")};
  }
  Settings settings =
      resolveSettings(s, SavedRun(resumed ? &*resumed : nullptr));

  if (!resumed) {
    std::optional<std::string> initFrom = o.text("init-from");
    TensorFilter reinit = selectTensors(m, o.list("reinit"), "--reinit");
    // Tensors that --init-from provides are not initialized.
    state = initialState(m, settings.seed, [&](const std::string &name) {
      return initFrom && !reinit(name);
    });
    if (initFrom)
      loadTensors(readSafetensors(*initFrom), m, state.data(), reinit);
    else if (wantsLsuv(o))
      applyLsuvOnFirstBatch(s, state);
  }
  return Trainer(s, settings, std::move(state), position).run();
}

} // namespace nnrt
