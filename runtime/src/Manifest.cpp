//===- Manifest.cpp - the compiled model's self-description ---------------===//

#include "runtime/src/Manifest.h"

#include "runtime/src/Error.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace nnrt {

const char *distName(Dist dist) {
  switch (dist) {
  case Dist::Constant:
    return "constant";
  case Dist::Uniform:
    return "uniform";
  case Dist::Normal:
    return "normal";
  case Dist::Pretrained:
    return "pretrained";
  }
  return "?";
}

const char *roleName(Role role) {
  switch (role) {
  case Role::Trainable:
    return "trainable";
  case Role::Frozen:
    return "frozen";
  case Role::Buffer:
    return "buffer";
  }
  return "?";
}

const char *lossName(LossKind loss) {
  switch (loss) {
  case LossKind::SoftmaxCrossEntropy:
    return "softmax_cross_entropy";
  case LossKind::Mse:
    return "mse";
  case LossKind::MseSum:
    return "mse_sum";
  }
  return "?";
}

std::optional<double> Manifest::hparam(const std::string &name) const {
  auto it = hparams.find(name);
  if (it == hparams.end())
    return std::nullopt;
  return it->second;
}

namespace {

/// Parses one line's fields; every failure names the line.
class LineParser {
public:
  LineParser(int lineNo, std::vector<std::string> fields)
      : lineNo(lineNo), fields(std::move(fields)) {}

  [[noreturn]] void fail(const std::string &what) const {
    throw Error("manifest", "line " + std::to_string(lineNo) + " (" +
                                fields[0] + "): " + what);
  }
  void expectFields(size_t count) const {
    if (fields.size() != count + 1)
      fail("expected " + std::to_string(count) + " field(s), found " +
           std::to_string(fields.size() - 1));
  }
  const std::string &field(size_t i) const { return fields[i + 1]; }
  int64_t integer(size_t i, int64_t min) const {
    std::optional<int64_t> value = parseInt(field(i));
    if (!value || *value < min)
      fail("'" + field(i) + "' is not an integer >= " + std::to_string(min));
    return *value;
  }
  double number(size_t i) const {
    std::optional<double> value = parseDouble(field(i));
    if (!value)
      fail("'" + field(i) + "' is not a finite number");
    return *value;
  }
  Shape shape(size_t i) const {
    std::optional<Shape> value = parseShape(field(i));
    if (!value)
      fail("'" + field(i) + "' is not a shape d0,d1,... of positive sizes");
    return *value;
  }

private:
  int lineNo;
  std::vector<std::string> fields;
};

TensorInfo parseTensor(const LineParser &line) {
  line.expectFields(7);
  TensorInfo t;
  t.name = line.field(0);
  t.offset = line.integer(1, 0);
  t.shape = line.shape(2);
  const std::string &dist = line.field(3);
  if (dist == "constant")
    t.dist = Dist::Constant;
  else if (dist == "uniform")
    t.dist = Dist::Uniform;
  else if (dist == "normal")
    t.dist = Dist::Normal;
  else if (dist == "pretrained")
    t.dist = Dist::Pretrained;
  else
    line.fail("unknown initializer '" + dist +
              "' (constant, uniform, normal, pretrained)");
  t.a = line.number(4);
  t.b = line.number(5);
  const std::string &role = line.field(6);
  if (role == "trainable")
    t.role = Role::Trainable;
  else if (role == "frozen")
    t.role = Role::Frozen;
  else if (role == "buffer")
    t.role = Role::Buffer;
  else
    line.fail("unknown role '" + role + "' (trainable, frozen, buffer)");
  if (t.dist == Dist::Uniform && t.a > t.b)
    line.fail("uniform bounds " + line.field(4) + " > " + line.field(5));
  if (t.dist == Dist::Normal && t.b < 0)
    line.fail("normal standard deviation " + line.field(5) + " < 0");
  // Philox counter word 0 is the element index (docs/abi.md).
  if (t.numel() > (int64_t(1) << 32))
    line.fail("tensor has more than 2^32 elements");
  return t;
}

LayerInfo parseLayer(const LineParser &line) {
  line.expectFields(6);
  LayerInfo l;
  l.name = line.field(0);
  l.kind = line.field(1);
  l.weight = line.field(2) == "-" ? "" : line.field(2);
  l.preOffset = line.integer(3, 0);
  l.postOffset = line.integer(4, -1);
  l.shape = line.shape(5);
  return l;
}

void fail(const std::string &what) { throw Error("manifest", what); }

/// Checks what no single line can: shapes agree and tensors tile the state.
void validate(const Manifest &m, const std::set<std::string> &seen) {
  for (const char *record :
       {"nnc", "model", "input", "target", "output", "loss", "state_size"})
    if (!seen.count(record))
      fail(std::string("missing '") + record + "' record");
  if (m.version != kManifestVersion)
    fail("format version " + std::to_string(m.version) +
         " is not supported (this runtime reads version " +
         std::to_string(kManifestVersion) + ")");
  if (m.target[0] != m.input[0] || m.output[0] != m.input[0])
    fail("batch sizes differ: input " + formatShape(m.input) + ", target " +
         formatShape(m.target) + ", output " + formatShape(m.output));
  if (m.isClassifier()) {
    if (m.targetType != TargetType::I32 || m.target.size() != 1)
      fail("softmax_cross_entropy needs 'target i32 <batch>'");
    if (m.output.size() != 2)
      fail("softmax_cross_entropy needs a [batch, classes] output, found " +
           formatShape(m.output));
  } else if (m.targetType != TargetType::F32 ||
             m.targetSampleSize() != m.outputSampleSize()) {
    fail("mse needs an f32 target with the output's shape " +
         formatShape(m.output));
  }
  for (const LayerInfo &l : m.layers) {
    int64_t last = std::max(l.preOffset, l.postOffset) + l.numel();
    if (l.shape[0] != m.batchSize() || last > m.tapeSize)
      fail("layer " + l.name + " " + formatShape(l.shape) +
           " does not fit a batch on the tape of " +
           std::to_string(m.tapeSize) + " floats");
  }
  std::set<std::string> names;
  int64_t end = 0;
  for (const TensorInfo &t : m.tensors) {
    if (!names.insert(t.name).second)
      fail("tensor " + t.name + " is declared twice");
    if (t.offset < end)
      fail("tensor " + t.name + " at offset " + std::to_string(t.offset) +
           " overlaps the previous tensor (tensors must be in state order)");
    end = t.offset + t.numel();
    if (end > m.stateSize)
      fail("tensor " + t.name + " ends at " + std::to_string(end) +
           ", beyond state_size " + std::to_string(m.stateSize));
  }
}

} // namespace

Manifest parseManifest(const std::string &text) {
  Manifest m;
  std::set<std::string> seen;
  std::istringstream lines(text);
  std::string lineText;
  for (int lineNo = 1; std::getline(lines, lineText); ++lineNo) {
    std::vector<std::string> fields;
    for (std::string &field : split(lineText, ' '))
      if (!field.empty())
        fields.push_back(std::move(field));
    if (fields.empty())
      continue;
    LineParser line(lineNo, fields);
    const std::string &kind = fields[0];
    bool single = kind != "tensor" && kind != "hparam" && kind != "layer";
    if (single && !seen.insert(kind).second)
      line.fail("record appears twice");
    if (kind == "nnc") {
      line.expectFields(1);
      m.version = line.integer(0, 0);
    } else if (kind == "model") {
      line.expectFields(1);
      m.model = line.field(0);
    } else if (kind == "input") {
      line.expectFields(1);
      m.input = line.shape(0);
    } else if (kind == "target") {
      line.expectFields(2);
      if (line.field(0) == "i32")
        m.targetType = TargetType::I32;
      else if (line.field(0) == "f32")
        m.targetType = TargetType::F32;
      else
        line.fail("target dtype '" + line.field(0) + "' is not i32 or f32");
      m.target = line.shape(1);
    } else if (kind == "output") {
      line.expectFields(1);
      m.output = line.shape(0);
    } else if (kind == "loss") {
      line.expectFields(1);
      if (line.field(0) == "softmax_cross_entropy")
        m.loss = LossKind::SoftmaxCrossEntropy;
      else if (line.field(0) == "mse")
        m.loss = LossKind::Mse;
      else if (line.field(0) == "mse_sum")
        m.loss = LossKind::MseSum;
      else
        line.fail("unknown loss '" + line.field(0) + "'");
    } else if (kind == "state_size") {
      line.expectFields(1);
      m.stateSize = line.integer(0, 0);
    } else if (kind == "hparam") {
      line.expectFields(2);
      m.hparams[line.field(0)] = line.number(1);
    } else if (kind == "flops") {
      line.expectFields(1);
      m.flops = line.integer(0, 0);
    } else if (kind == "gradcheck") {
      line.expectFields(1);
      m.gradcheck = line.integer(0, 0) != 0;
    } else if (kind == "device") {
      line.expectFields(2);
      if (line.field(0) != "cuda")
        line.fail("unknown device '" + line.field(0) + "'");
      m.device = line.field(0);
      m.deviceArch = line.field(1);
    } else if (kind == "tape_size") {
      line.expectFields(1);
      m.tapeSize = line.integer(0, 0);
    } else if (kind == "layer") {
      m.layers.push_back(parseLayer(line));
    } else if (kind == "tensor") {
      m.tensors.push_back(parseTensor(line));
    }
    // Other record kinds are ignored: newer compilers may add some.
  }
  validate(m, seen);
  return m;
}

} // namespace nnrt
