//===- CheckpointTest.cpp - the state against a safetensors file ----------===//

#include "runtime/src/Checkpoint.h"

#include "runtime/test/TestSupport.h"

#include <cmath>

namespace nnrt {
namespace {

using test::errorMessage;
using test::HasSubstr;

/// kSmallManifest's tensors: w [3, 6] at 0, b [3] at 18, buffer s [2] at 21.
class CheckpointTest : public testing::Test {
protected:
  Manifest m = parseManifest(test::kSmallManifest);
  test::TempDir dir;
  std::vector<float> state;

  void SetUp() override {
    for (int i = 0; i < m.stateSize; ++i)
      state.push_back(0.25f * i);
  }
  std::string write(const std::vector<TensorToWrite> &tensors) {
    writeSafetensors(dir.path("c.safetensors"), tensors, {});
    return dir.path("c.safetensors");
  }
  TensorToWrite w() { return {"w", {3, 6}, state.data()}; }
  TensorToWrite b() { return {"b", {3}, state.data() + 18}; }
  TensorToWrite s() { return {"s", {2}, state.data() + 21}; }
};

TEST_F(CheckpointTest, SavesAndLoadsTheState) {
  saveCheckpoint(dir.path("c"), m, state.data(), {{"step", "5"}});
  std::vector<float> loaded(m.stateSize, -1.0f);
  SafetensorsFile file = loadCheckpoint(dir.path("c"), m, loaded.data());
  EXPECT_EQ(loaded, state);
  EXPECT_EQ(file.metadata.at("step"), "5");
  // Stored in state order: the data section is the state itself.
  EXPECT_EQ(std::vector<uint8_t>(file.bytes.begin() + file.dataStart,
                                 file.bytes.end()),
            std::vector<uint8_t>(
                reinterpret_cast<const uint8_t *>(state.data()),
                reinterpret_cast<const uint8_t *>(state.data() + 23)));
}

TEST_F(CheckpointTest, NamesMissingAndMismatchedTensors) {
  std::vector<float> out(m.stateSize);
  std::string path = write({w(), s()});
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(path, m, out.data()); }),
            path + ": tensor b is missing");
  path = write({w(), {"b", {1, 3}, state.data()}, s()});
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(path, m, out.data()); }),
            path + ": tensor b: shape [1, 3] in the file, the model expects "
                   "[3]");
  path = write({w(),
                b(),
                s(),
                {"extra", {1}, state.data()},
                {"bn.num_batches_tracked", {1}, state.data()}});
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(path, m, out.data()); }),
            path + ": tensor(s) not in model small: extra");
}

TEST_F(CheckpointTest, NamesTheFirstNonFiniteElement) {
  std::vector<float> out(m.stateSize);
  state[1 * 6 + 4] = std::nanf("");
  state[2 * 6 + 0] = INFINITY;
  std::string path = write({w(), b(), s()});
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(path, m, out.data()); }),
            path + ": tensor w: element [1, 4] is nan, not a finite number");
  state[1 * 6 + 4] = 0;
  state[21] = -INFINITY; // Buffers are checked too.
  path = write({w(), b(), s()});
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(path, m, out.data()); }),
            path + ": tensor w: element [2, 0] is inf, not a finite number");
  state[2 * 6 + 0] = 0;
  path = write({w(), b(), s()});
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(path, m, out.data()); }),
            path + ": tensor s: element [0] is -inf, not a finite number");
}

TEST_F(CheckpointTest, RejectsOtherDtypes) {
  std::string header = "{\"w\":{\"dtype\":\"F16\",\"shape\":[3,6],"
                       "\"data_offsets\":[0,36]}}";
  std::vector<uint8_t> bytes(8);
  bytes[0] = static_cast<uint8_t>(header.size());
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.resize(bytes.size() + 36);
  test::writeBytes(dir.path("h"), bytes);
  std::vector<float> out(m.stateSize);
  EXPECT_EQ(errorMessage([&] { loadCheckpoint(dir.path("h"), m, out.data()); }),
            dir.path("h") + ": tensor w: dtype F16, expected F32");
}

TEST_F(CheckpointTest, SkippedTensorsAreNeitherNeededNorChecked) {
  // As --init-from with --reinit b: b may be missing or of another shape.
  std::string path = write({w(), {"b", {7}, state.data()}, s()});
  std::vector<float> out(m.stateSize, -1.0f);
  loadTensors(readSafetensors(path), m, out.data(),
              [](const std::string &name) { return name == "b"; });
  EXPECT_EQ(out[0], state[0]);
  EXPECT_EQ(out[18], -1.0f);
  EXPECT_EQ(out[22], state[22]);
}

} // namespace
} // namespace nnrt
