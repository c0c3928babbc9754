//===- EndToEndTest.cpp - the fake model's binary, run as a user would ----===//
//
// Runs nnrt-fake-model (FakeModel.cpp linked with libnnrt.a) on small
// synthetic IDX files and checks what it prints, writes and returns.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/FileIO.h"
#include "runtime/src/Npy.h"
#include "runtime/src/Safetensors.h"
#include "runtime/test/TestSupport.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

namespace nnrt {
namespace {

using test::HasSubstr;
using testing::StartsWith;

struct Result {
  int exitCode;
  std::string out, err;
};

/// 32 per batch, 10 batches per epoch and 3 samples that are dropped; 100
/// test samples (the last test batch is padded). Class k lights up rows
/// 2.5k..2.5k+2.5 of the image, over faint noise: learnable in an epoch.
constexpr int kTrain = 323, kTest = 100;

class EndToEndTest : public testing::Test {
protected:
  test::TempDir dir;
  std::vector<uint8_t> testPixels, testLabels;

  void SetUp() override {
    writeSplit("train", kTrain, 1, true, nullptr, nullptr);
    writeSplit("t10k", kTest, 2, false, &testPixels, &testLabels);
  }

  void writeSplit(const std::string &prefix, int count, unsigned seed,
                  bool compressed, std::vector<uint8_t> *pixelsOut,
                  std::vector<uint8_t> *labelsOut) {
    std::vector<uint8_t> pixels(count * 784), labels(count);
    for (int i = 0; i < count; ++i) {
      labels[i] = static_cast<uint8_t>((i * 7 + seed) % 10);
      for (int p = 0; p < 784; ++p) {
        seed = seed * 1103515245 + 12345;
        pixels[i * 784 + p] = static_cast<uint8_t>((seed >> 16) % 40);
      }
      for (int p = labels[i] * 70; p < labels[i] * 70 + 70; ++p)
        pixels[i * 784 + p] = 220;
    }
    std::vector<uint8_t> x = test::idxBytes({count, 28, 28}, pixels);
    std::vector<uint8_t> y = test::idxBytes({count}, labels);
    std::string suffix = compressed ? ".gz" : "";
    test::writeBytes(dir.path(prefix + "-images-idx3-ubyte" + suffix),
                     compressed ? test::gzip(x) : x);
    test::writeBytes(dir.path(prefix + "-labels-idx1-ubyte" + suffix),
                     compressed ? test::gzip(y) : y);
    if (pixelsOut) {
      *pixelsOut = pixels;
      *labelsOut = labels;
    }
  }

  /// Runs `binary` with `args` in the temporary directory; `env` is a
  /// prefix such as "FAKE_BAD_GRADIENT=1". A crash is exit code 128 + signal.
  Result run(const std::vector<std::string> &args, const std::string &env = "",
             const std::string &binary = FAKE_MODEL) {
    std::string command =
        "cd '" + dir.root() + "' && env " + env + " '" + binary + "'";
    for (const std::string &arg : args)
      command += " '" + arg + "'";
    command += " > stdout.txt 2> stderr.txt";
    int status = std::system(command.c_str());
    Result result;
    result.exitCode =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = text("stdout.txt");
    result.err = text("stderr.txt");
    return result;
  }

  /// Training on the synthetic data, with `args` added.
  Result train(std::vector<std::string> args, const std::string &env = "") {
    args.insert(args.begin(), {"train", "--data", dir.root()});
    return run(args, env);
  }

  std::string text(const std::string &name) {
    std::vector<uint8_t> bytes = readFile(dir.path(name));
    return std::string(bytes.begin(), bytes.end());
  }
  std::vector<uint8_t> bytes(const std::string &name) {
    return readFile(dir.path(name));
  }
  Metadata metadata(const std::string &name) {
    return readSafetensors(dir.path(name)).metadata;
  }
  /// The raw bytes of one tensor of a checkpoint.
  std::vector<uint8_t> tensor(const std::string &file,
                              const std::string &name) {
    SafetensorsFile st = readSafetensors(dir.path(file));
    const SafetensorsEntry &entry = st.tensors.at(name);
    return std::vector<uint8_t>(st.data(entry),
                                st.data(entry) + (entry.end - entry.begin));
  }
  /// Rewrites checkpoint `from` as `to` with `edit` applied to its tensors
  /// and, if given, other metadata.
  void rewrite(const std::string &from, const std::string &to,
               const std::function<void(std::vector<TensorToWrite> &)> &edit,
               std::optional<Metadata> metadata = std::nullopt) {
    SafetensorsFile st = readSafetensors(dir.path(from));
    std::vector<TensorToWrite> tensors;
    for (const auto &[name, entry] : st.tensors)
      tensors.push_back(
          {name, entry.shape, reinterpret_cast<const float *>(st.data(entry))});
    edit(tensors);
    writeSafetensors(dir.path(to), tensors, metadata.value_or(st.metadata));
  }
};

/// The value printed after "test accuracy: " on the last line.
double finalAccuracy(const Result &result) {
  size_t at = result.out.rfind("test accuracy: ");
  EXPECT_NE(at, std::string::npos) << result.out;
  return at == std::string::npos ? -1 : std::stod(result.out.substr(at + 15));
}

#define EXPECT_SUCCESS(result)                                                 \
  EXPECT_EQ((result).exitCode, 0) << (result).out << (result).err

TEST_F(EndToEndTest, TrainsEvaluatesAndReports) {
  Result r = train({"--epochs", "2"});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("epoch 1/2: train loss "));
  EXPECT_THAT(r.out, HasSubstr("epoch 2/2: train loss "));
  // Not a terminal and fast: only the epochs' lines.
  EXPECT_THAT(r.out, testing::Not(HasSubstr(" step ")));
  EXPECT_GT(finalAccuracy(r), 0.8);
  EXPECT_EQ(r.err, "");
}

TEST_F(EndToEndTest, ResumedTrainingIsBitIdentical) {
  EXPECT_SUCCESS(train({"--epochs", "2", "--save", "straight.st"}));
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "half.st"}));
  EXPECT_SUCCESS(run({"train", "--data", dir.root(), "--resume", "half.st",
                      "--epochs", "2", "--save", "resumed.st"}));
  EXPECT_NE(bytes("half.st"), bytes("straight.st"));
  EXPECT_EQ(bytes("resumed.st"), bytes("straight.st"));

  // Stopped in the middle of an epoch.
  EXPECT_SUCCESS(train({"--steps", "15", "--epochs", "2", "--save", "mid.st"}));
  EXPECT_EQ(metadata("mid.st").at("epoch"), "1");
  EXPECT_EQ(metadata("mid.st").at("epoch_step"), "5");
  Result r = train({"--resume", "mid.st", "--save", "mid-resumed.st"});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("epoch 2/2: "));
  EXPECT_EQ(bytes("mid-resumed.st"), bytes("straight.st"));

  Metadata meta = metadata("straight.st");
  EXPECT_EQ(meta.at("format"), "nnc-checkpoint");
  EXPECT_EQ(meta.at("model"), "fake_mlp");
  EXPECT_EQ(meta.at("step"), "20");
  EXPECT_EQ(meta.at("epoch"), "2");
  EXPECT_EQ(meta.at("seed"), "7");
  EXPECT_EQ(meta.at("lr"), "0.100000001");
  EXPECT_EQ(tensor("straight.st", "stats.steps"),
            std::vector<uint8_t>({0, 0, 0xa0, 0x41})); // 20.0f
}

TEST_F(EndToEndTest, ShuffleAndSeedChangeTheRun) {
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "a.st"}));
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "b.st", "--seed", "8"}));
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "c.st", "--no-shuffle"}));
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "d.st", "--lr", "0.2"}));
  std::vector<uint8_t> a = tensor("a.st", "fc2.weight");
  EXPECT_NE(a, tensor("b.st", "fc2.weight"));
  EXPECT_NE(a, tensor("c.st", "fc2.weight"));
  EXPECT_NE(a, tensor("d.st", "fc2.weight"));
  // --no-shuffle is remembered by the checkpoint.
  EXPECT_SUCCESS(
      train({"--resume", "c.st", "--epochs", "2", "--save", "e.st"}));
  EXPECT_SUCCESS(train({"--epochs", "2", "--no-shuffle", "--save", "f.st"}));
  EXPECT_EQ(bytes("e.st"), bytes("f.st"));
}

TEST_F(EndToEndTest, ResumeChecksItsCheckpoint) {
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "one.st"}));
  Result r = train({"--resume", "one.st", "--epochs", "1"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --epochs: the checkpoint has already "
                               "trained 1 epoch(s), 10 step(s)"));
  r = train({"--resume", "one.st", "--epochs", "2", "--seed", "3"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--seed: the checkpoint was trained with seed "
                               "7"));
  r = train({"--resume", "one.st", "--init-from", "one.st"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--resume: cannot be combined with "
                               "--init-from"));
  // Weights without nnc's metadata (e.g. from PyTorch) cannot be resumed.
  rewrite(
      "one.st", "plain.st", [](std::vector<TensorToWrite> &) {}, Metadata());
  std::vector<uint8_t> before = bytes("plain.st");
  r = train({"--resume", "plain.st", "--epochs", "2", "--save", "plain.st"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("plain.st: not an nnc training checkpoint"));
  // They are fine for everything else.
  EXPECT_SUCCESS(run({"eval", "--data", dir.root(), "--load", "plain.st"}));
  EXPECT_SUCCESS(train({"--init-from", "plain.st", "--epochs", "1"}));
  EXPECT_EQ(bytes("plain.st"), before);
}

TEST_F(EndToEndTest, WritesMetricsLines) {
  EXPECT_SUCCESS(train({"--epochs", "2", "--log-every", "1", "--clip", "1",
                        "--metrics", "m.jsonl"}));
  std::istringstream lines(text("m.jsonl"));
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(lines, line);)
    records.push_back(nlohmann::json::parse(line));
  // Per epoch: 10 step lines, then the epoch's line, whose numbers are
  // the means of its steps.
  ASSERT_EQ(records.size(), 22u);
  int totalClipped = 0;
  for (int epoch = 0; epoch < 2; ++epoch) {
    double loss = 0, gradNorm = 0, clipped = 0;
    for (int i = 0; i < 10; ++i) {
      const nlohmann::json &r = records[epoch * 11 + i];
      EXPECT_EQ(r["step"], epoch * 10 + i + 1);
      EXPECT_EQ(r["clipped"].get<bool>(), r["grad_norm"].get<double>() > 1);
      loss += r["loss"].get<double>() / 10;
      gradNorm += r["grad_norm"].get<double>() / 10;
      clipped += r["clipped"].get<bool>() / 10.0;
    }
    const nlohmann::json &e = records[epoch * 11 + 10];
    for (const char *key :
         {"epoch", "train_loss", "test_loss", "test_accuracy", "samples_per_s",
          "grad_norm", "clipped_fraction", "wall_s"})
      EXPECT_TRUE(e.contains(key)) << key << " in " << e.dump();
    EXPECT_EQ(e["epoch"], epoch + 1);
    EXPECT_NEAR(e["train_loss"].get<double>(), loss, 1e-6);
    EXPECT_NEAR(e["grad_norm"].get<double>(), gradNorm, 1e-6);
    EXPECT_NEAR(e["clipped_fraction"].get<double>(), clipped, 1e-9);
    EXPECT_GT(e["test_accuracy"].get<double>(), 0.1);
    EXPECT_LE(e["test_accuracy"].get<double>(), 1.0);
    EXPECT_GT(e["test_loss"].get<double>(), 0);
    EXPECT_GT(e["samples_per_s"].get<double>(), 0);
    EXPECT_GT(e["wall_s"].get<double>(), 0);
    totalClipped += int(std::lround(clipped * 10));
  }
  // Gradient norms of this run are near 1: some steps clip, some do not.
  EXPECT_GT(totalClipped, 0);
  EXPECT_LT(totalClipped, 20);
}

TEST_F(EndToEndTest, StopsOnNonFiniteLossAndKeepsTheLastCheckpoint) {
  Result r =
      train({"--epochs", "3", "--save", "ck.st"}, "FAKE_NAN_LOSS_AT_STEP=13");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "error: non-finite loss at step 13 (epoch 2)\n");
  // The checkpoint of epoch 1, the last good state.
  EXPECT_EQ(metadata("ck.st").at("step"), "10");
  EXPECT_EQ(metadata("ck.st").at("epoch"), "1");
}

TEST_F(EndToEndTest, StopsOnNonFiniteGradientNorm) {
  Result r = train({"--epochs", "1"}, "FAKE_INF_NORM_AT_STEP=2");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "error: non-finite gradient norm at step 2 (epoch 1)\n");
}

TEST_F(EndToEndTest, StopsOnNonFiniteStateWithoutSaving) {
  test::writeText(dir.path("ck.st"), "previous");
  Result r =
      train({"--epochs", "1", "--save", "ck.st"}, "FAKE_NAN_BUFFER_AT_STEP=4");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "error: non-finite value in tensor stats.steps at step 10 "
                   "(epoch 1)\n");
  EXPECT_EQ(text("ck.st"), "previous");
}

TEST_F(EndToEndTest, InitFromFreezeAndReinit) {
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "base.st"}));
  EXPECT_SUCCESS(train({"--init-from", "base.st", "--freeze", "fc1", "--epochs",
                        "1", "--seed", "3", "--save", "tuned.st"}));
  EXPECT_EQ(tensor("tuned.st", "fc1.weight"), tensor("base.st", "fc1.weight"));
  EXPECT_EQ(tensor("tuned.st", "fc1.bias"), tensor("base.st", "fc1.bias"));
  EXPECT_NE(tensor("tuned.st", "fc2.weight"), tensor("base.st", "fc2.weight"));
  EXPECT_EQ(metadata("tuned.st").at("freeze"), "fc1");

  // A head of another shape: an error unless --reinit replaces it.
  std::vector<float> head(5 * 16, 0.5f);
  rewrite("base.st", "other-head.st", [&](std::vector<TensorToWrite> &ts) {
    for (TensorToWrite &t : ts)
      if (t.name == "fc2.weight")
        t = {"fc2.weight", {5, 16}, head.data()};
  });
  Result r = train({"--init-from", "other-head.st", "--epochs", "1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("other-head.st: tensor fc2.weight: shape "
                               "[5, 16] in the file, the model expects "
                               "[10, 16]"));
  r = train({"--init-from", "other-head.st", "--reinit", "fc2", "--epochs", "1",
             "--save", "reinit.st"});
  EXPECT_SUCCESS(r);
  EXPECT_GT(finalAccuracy(r), 0.3);

  rewrite("base.st", "missing.st", [](std::vector<TensorToWrite> &ts) {
    ts.erase(std::remove_if(
                 ts.begin(), ts.end(),
                 [](const TensorToWrite &t) { return t.name == "fc2.bias"; }),
             ts.end());
  });
  r = train({"--init-from", "missing.st", "--epochs", "1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("missing.st: tensor fc2.bias is missing"));

  rewrite("base.st", "extra.st", [&](std::vector<TensorToWrite> &ts) {
    ts.push_back({"fc3.weight", {2}, head.data()});
  });
  r = train({"--init-from", "extra.st", "--epochs", "1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("extra.st: tensor(s) not in model fake_mlp: "
                               "fc3.weight"));

  r = train({"--reinit", "fc2"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--reinit: needs --init-from"));
  r = train({"--freeze", "fc"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--freeze: no tensor is named fc or fc.*"));
}

TEST_F(EndToEndTest, CorruptCheckpointsAreErrorsNotCrashes) {
  EXPECT_SUCCESS(train({"--epochs", "1", "--save", "good.st"}));
  std::vector<uint8_t> good = bytes("good.st");
  std::vector<std::pair<std::string, std::vector<uint8_t>>> cases = {
      {"empty.st", {}},
      {"truncated.st",
       std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2)},
      {"header-only.st", std::vector<uint8_t>(good.begin(), good.begin() + 8)},
  };
  std::vector<uint8_t> garbled = good;
  garbled[20] = '{';
  cases.push_back({"garbled.st", garbled});
  for (const auto &[name, content] : cases) {
    test::writeBytes(dir.path(name), content);
    Result r = run({"eval", "--data", dir.root(), "--load", name});
    EXPECT_EQ(r.exitCode, 1) << name << ": " << r.err;
    EXPECT_THAT(r.err, StartsWith("error: " + name + ": ")) << name;
    r = train({"--resume", name, "--epochs", "2", "--save", name});
    EXPECT_EQ(r.exitCode, 1) << name << ": " << r.err;
    EXPECT_EQ(bytes(name), content) << name << " was overwritten";
  }
}

TEST_F(EndToEndTest, OutputsNeverOverwriteInputs) {
  EXPECT_SUCCESS(train({"--steps", "3", "--save", "a.st"}));
  std::vector<uint8_t> saved = bytes("a.st");
  Result r = train({"--steps", "6", "--resume", "a.st", "--metrics", "./a.st"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, StartsWith("error: --metrics ./a.st: is the same file as "
                                "--resume a.st (an output may not overwrite "
                                "an input)\n"));
  r = run({"predict", "--load", "a.st", "--input", "t10k-images-idx3-ubyte",
           "--output", "a.st"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, StartsWith("error: --output a.st: is the same file as "
                                "--load a.st"));
  EXPECT_EQ(bytes("a.st"), saved);
  std::string labels = dir.path("t10k-labels-idx1-ubyte");
  r = train({"--steps", "1", "--metrics", labels});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, StartsWith("error: --metrics " + labels +
                                ": is the same file as --data " + labels));
  r = train({"--steps", "1", "--metrics", "m", "--save", "m"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, StartsWith("error: --save m: is the same file as "
                                "--metrics m (each output needs a file of "
                                "its own)"));
  EXPECT_FALSE(fileExists(dir.path("m")));
  // A run continues in place.
  EXPECT_SUCCESS(train({"--steps", "6", "--resume", "a.st", "--save", "a.st"}));
  EXPECT_EQ(metadata("a.st").at("step"), "6");
}

TEST_F(EndToEndTest, NonFiniteCheckpointsAreRefused) {
  EXPECT_SUCCESS(train({"--steps", "3", "--save", "a.st"}));
  std::vector<float> bias(10, 0.0f);
  bias[7] = std::nanf("");
  rewrite("a.st", "nan.st", [&](std::vector<TensorToWrite> &ts) {
    for (TensorToWrite &t : ts)
      if (t.name == "fc2.bias")
        t.data = bias.data();
  });
  const std::string message =
      "error: nan.st: tensor fc2.bias: element [7] is nan, not a finite "
      "number\n";
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"eval", "--data", dir.root(), "--load",
                                 "nan.st"},
        {"train", "--data", dir.root(), "--resume", "nan.st", "--steps", "6"},
        {"train", "--data", dir.root(), "--init-from", "nan.st"}}) {
    Result r = run(args);
    EXPECT_EQ(r.exitCode, 1) << args[1];
    EXPECT_EQ(r.err, message) << args[1];
  }
}

TEST_F(EndToEndTest, EvalAndPredictAgreeWithTraining) {
  Result trained = train({"--epochs", "2", "--save", "m.st"});
  EXPECT_SUCCESS(trained);
  Result evaluated = run({"eval", "--data", dir.root(), "--load", "m.st"});
  EXPECT_SUCCESS(evaluated);
  EXPECT_THAT(evaluated.out, HasSubstr("test samples: 100\n"));
  EXPECT_DOUBLE_EQ(finalAccuracy(evaluated), finalAccuracy(trained));

  // The test images as float32 x/255 in an .npy file: 100 rows, the last
  // batch padded.
  std::vector<float> x(testPixels.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = testPixels[i] / 255.0f;
  writeNpy(dir.path("x.npy"), {kTest, 784}, x.data());
  Result predicted = run(
      {"predict", "--load", "m.st", "--input", "x.npy", "--output", "y.npy"});
  EXPECT_SUCCESS(predicted);
  EXPECT_THAT(predicted.out, HasSubstr("wrote [100, 10] outputs to y.npy"));
  NpyArray y = readNpy(dir.path("y.npy"));
  ASSERT_EQ(y.shape, (Shape{kTest, 10}));
  int correct = 0;
  for (int i = 0; i < kTest; ++i) {
    int best = 0;
    for (int c = 1; c < 10; ++c)
      if (y.at(i * 10 + c) > y.at(i * 10 + best))
        best = c;
    correct += best == testLabels[i];
  }
  EXPECT_DOUBLE_EQ(std::round(correct * 100.0) / 10000,
                   finalAccuracy(evaluated));

  // The same images straight from the IDX file give the same outputs.
  EXPECT_SUCCESS(run({"predict", "--load", "m.st", "--input",
                      "t10k-images-idx3-ubyte", "--output", "idx.npy"}));
  EXPECT_EQ(bytes("idx.npy"), bytes("y.npy"));

  Result r = run({"predict", "--load", "m.st", "--input", "x.npy"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("predict: needs --input FILE and --output"));
  writeNpy(dir.path("bad.npy"), {4, 100}, x.data());
  r = run(
      {"predict", "--load", "m.st", "--input", "bad.npy", "--output", "y.npy"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.npy: samples of shape [100] have 100 "
                               "values, the model's input [32, 784] needs "
                               "784 per sample"));
}

TEST_F(EndToEndTest, InfoDescribesTheModel) {
  Result r = run({"info", "--data", dir.root()});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("model fake_mlp"));
  EXPECT_THAT(r.out, HasSubstr("fc1.weight   [16, 784]         trainable  "
                               "normal(0, 0.0505)"));
  EXPECT_THAT(r.out, HasSubstr("stats.steps  [1]               buffer"));
  EXPECT_THAT(r.out, HasSubstr("parameters: 12,730 (12,730 trainable)"));
  EXPECT_THAT(r.out, HasSubstr("FLOPs per training step: 2,417,664"));
  EXPECT_THAT(r.out, HasSubstr("state memory: 49.7 KiB"));
  EXPECT_THAT(r.out, HasSubstr("(323 training and 100 test samples)"));
}

TEST_F(EndToEndTest, GradcheckPassesAndCatchesWrongGradients) {
  Result r = run({"gradcheck"});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("ok   fc1.weight [16, 784]: 2000 of 12544"));
  EXPECT_THAT(r.out, HasSubstr("ok   fc2.bias [10]: 10 of 10"));
  EXPECT_THAT(r.out, testing::EndsWith("gradcheck: PASS (tolerance 0.001)\n"));

  r = run({"gradcheck", "--data", dir.root(), "--max-elements", "50"},
          "FAKE_BAD_GRADIENT=1");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.out, HasSubstr("batch: the first 32 samples of"));
  EXPECT_THAT(r.out, HasSubstr("ok   fc1.weight [16, 784]: 50 of 12544"));
  EXPECT_THAT(r.out, HasSubstr("FAIL fc2.bias [10]: 10 of 10 elements, max "
                               "error 0.0909"));
  EXPECT_THAT(r.out, testing::EndsWith("gradcheck: FAIL (tolerance 0.001)\n"));

  r = run({"gradcheck"}, "", FAKE_MODEL_NCHW);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "error: gradcheck: model fake_mlp was not compiled for "
                   "gradient checking (compile it with nnc --gradcheck)\n");
}

TEST_F(EndToEndTest, NchwInputsTrainToo) {
  Result r = run({"train", "--data", dir.root(), "--epochs", "1"}, "",
                 FAKE_MODEL_NCHW);
  EXPECT_SUCCESS(r);
  EXPECT_GT(finalAccuracy(r), 0.5);
}

TEST_F(EndToEndTest, CommandLineMistakes) {
  Result r = run({});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("usage: nnrt-fake-model <command>"));
  r = run({"--help"});
  EXPECT_SUCCESS(r);
  for (const char *command : {"train", "eval", "predict", "info", "gradcheck"})
    EXPECT_THAT(r.out, HasSubstr(std::string("  ") + command + " "));
  r = run({"train", "--help"});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("  --epochs N"));
  EXPECT_THAT(r.out, HasSubstr("  --no-shuffle"));
  EXPECT_THAT(r.out, testing::EndsWith("defaults of model fake_mlp: "
                                       "clip_norm 5 lr 0.1 seed 7\n"));
  r = run({"fit"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("error: fit: unknown command; the commands "
                               "are train, eval, predict, info, gradcheck"));
  r = run({"train", "--epoch", "2"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --epoch: unknown option for 'train'; "
                               "its options are --epochs, --steps, --lr"));
  EXPECT_THAT(r.err, HasSubstr("(run 'nnrt-fake-model train --help' for "
                               "usage)"));
  r = run({"train", "--lr", "-1"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --lr: '-1' is not a finite number"));
  r = run({"train", "--epochs", "0"});
  EXPECT_EQ(r.exitCode, 2);
  r = run({"eval", "--threads", "0"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--threads: must be at least 1"));
  r = run({"train", "--log-every", "5"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--log-every: needs --metrics FILE"));
}

TEST_F(EndToEndTest, DataErrorsNameTheFile) {
  Result r = run({"train", "--data", dir.path("nowhere")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("nowhere: no training data: expected "
                               "train-images-idx3-ubyte[.gz]"));
  std::vector<uint8_t> packed = bytes("train-images-idx3-ubyte.gz");
  packed.resize(packed.size() / 2);
  test::writeBytes(dir.path("train-images-idx3-ubyte.gz"), packed);
  r = train({"--epochs", "1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "error: " + dir.path("train-images-idx3-ubyte.gz") +
                       ": truncated gzip stream (the file ends early)\n");
  r = train({"--save", dir.path("no/dir/ck.st")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("ck.st: cannot write to directory"));
}

TEST_F(EndToEndTest, StepsStopInsideAnEpoch) {
  Result r = train({"--steps", "3", "--save", "s.st"});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("stopped at step 3 (epoch 1): train loss"));
  Metadata meta = metadata("s.st");
  EXPECT_EQ(meta.at("step"), "3");
  EXPECT_EQ(meta.at("epoch"), "0");
  EXPECT_EQ(meta.at("epoch_step"), "3");
  EXPECT_EQ(meta.count("epochs"), 0u);
}

TEST_F(EndToEndTest, LearnsRealFashionMnist) {
  const std::string real = "/usr/share/datasets/fashion-mnist";
  if (!fileExists(real + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed";
  // The default data directory.
  Result r = run({"train", "--steps", "150", "--lr", "0.2"});
  EXPECT_SUCCESS(r);
  EXPECT_THAT(r.out, HasSubstr("stopped at step 150 (epoch 1)"));
  EXPECT_GT(finalAccuracy(r), 0.65);
}

} // namespace
} // namespace nnrt
