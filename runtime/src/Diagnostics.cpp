//===- Diagnostics.cpp - signal-propagation statistics of a batch ---------===//

#include "runtime/src/Diagnostics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace nnrt {

TapeRun runTape(const ModelEntryPoints &model, const Manifest &m,
                const float *state, const float *x, const void *y) {
  TapeRun run;
  run.grads.assign(m.stateSize, 0.0f);
  run.tape.assign(std::max<int64_t>(m.tapeSize, 1), 0.0f);
  float loss = 0;
  model.diagnose(state, x, y, &loss, run.grads.data(), run.tape.data());
  run.loss = loss;
  return run;
}

void neuronVariance(const float *z, int64_t n, int64_t d, double &variance,
                    double &ratio) {
  // Two passes: in a collapsed layer the variance is a tiny fraction of the
  // mean square, which E[z²] − μ² would lose.
  std::vector<double> mean(d, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j)
      mean[j] += z[i * d + j];
  for (double &mu : mean)
    mu /= double(n);
  double sumVariance = 0, sumSquare = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) {
      double v = z[i * d + j];
      sumVariance += (v - mean[j]) * (v - mean[j]);
      sumSquare += v * v;
    }
  variance = sumVariance / double(n * d);
  ratio = sumSquare > 0 ? sumVariance / sumSquare : 0.0;
}

double meanPairwiseCosine(const float *a, int64_t n, int64_t d) {
  if (n < 2)
    return 0.0;
  // Σ_{i≠k} ⟨u_i, u_k⟩ = ‖Σ_i u_i‖² − Σ_i ‖u_i‖² with u_i = a_i/‖a_i‖.
  std::vector<double> sum(d, 0.0);
  double selfTerms = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = a + i * d;
    double norm2 = 0;
    for (int64_t j = 0; j < d; ++j)
      norm2 += double(row[j]) * double(row[j]);
    if (norm2 == 0)
      continue;
    double inv = 1.0 / std::sqrt(norm2);
    for (int64_t j = 0; j < d; ++j)
      sum[j] += double(row[j]) * inv;
    selfTerms += 1.0;
  }
  double total = 0;
  for (double s : sum)
    total += s * s;
  return (total - selfTerms) / (double(n) * double(n - 1));
}

double deadFraction(const float *z, int64_t n, int64_t d) {
  int64_t dead = 0;
  for (int64_t j = 0; j < d; ++j) {
    bool alive = false;
    for (int64_t i = 0; i < n && !alive; ++i)
      alive = z[i * d + j] > 0;
    dead += alive ? 0 : 1;
  }
  return double(dead) / double(d);
}

LayerStats layerStats(const LayerInfo &layer, const float *tape) {
  int64_t n = layer.shape[0], d = layer.numel() / n;
  LayerStats s{layer.name, layer.kind, d};
  const float *pre = tape + layer.preOffset;
  const float *post = layer.postOffset >= 0 ? tape + layer.postOffset : pre;
  neuronVariance(pre, n, d, s.variance, s.varianceRatio);
  s.cosine = meanPairwiseCosine(post, n, d);
  s.cosinePre = post == pre ? s.cosine : meanPairwiseCosine(pre, n, d);
  if (layer.kind == "relu")
    s.deadFraction = deadFraction(pre, n, d);
  return s;
}

DiagnoseReport buildReport(const Manifest &m, double loss,
                           const std::vector<float> &grads,
                           const std::vector<float> &tape) {
  DiagnoseReport r{m.model, m.batchSize(), loss};
  for (const LayerInfo &layer : m.layers)
    r.layers.push_back(layerStats(layer, tape.data()));
  for (const TensorInfo &t : m.tensors) {
    if (t.role != Role::Trainable)
      continue;
    double sum = 0;
    for (int64_t i = 0; i < t.numel(); ++i)
      sum += double(grads[t.offset + i]) * double(grads[t.offset + i]);
    r.gradients.push_back({t.name, t.shape, std::sqrt(sum)});
  }
  return r;
}

namespace {
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

std::string jsonNumber(std::optional<double> v) {
  if (!v || !std::isfinite(*v))
    return "null";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", *v);
  return buf;
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

/// Columns whose bit is set in `left` are left-aligned (names), the others
/// right-aligned (numbers); widths come from the cells.
std::string alignRows(const std::vector<std::vector<std::string>> &rows,
                      unsigned left) {
  std::vector<size_t> width;
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      width.resize(std::max(width.size(), row.size()), 0);
      width[c] = std::max(width[c], row[c].size());
    }
  std::ostringstream os;
  for (const auto &row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      std::string pad(width[c] - row[c].size(), ' ');
      os << (c ? "  " : "") << (left >> c & 1 ? row[c] + pad : pad + row[c]);
    }
    os << "\n";
  }
  return os.str();
}
} // namespace

std::string formatTable(const DiagnoseReport &r) {
  std::vector<std::vector<std::string>> layers = {
      {"#", "layer", "kind", "units", "variance", "var/meansq", "cosine",
       "cos(pre)", "dead"}};
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerStats &l = r.layers[i];
    layers.push_back({std::to_string(i + 1), l.name, l.kind,
                      std::to_string(l.units), number(l.variance),
                      number(l.varianceRatio), number(l.cosine), number(l.cosinePre),
                      l.deadFraction ? number(*l.deadFraction) : "-"});
  }
  std::vector<std::vector<std::string>> grads = {{"parameter", "shape", "grad norm"}};
  for (const GradientStats &g : r.gradients)
    grads.push_back({g.name, formatShape(g.shape), number(g.norm)});
  // Without nnc_hvp the rows say how to get them.
  auto orNa = [](std::optional<double> v) {
    return v ? number(*v) : std::string("n/a (compiled with --no-hessian)");
  };
  std::ostringstream os;
  os << "model " << r.model << ", batch " << r.batch << ", loss "
     << number(r.loss) << "\n\n"
     << alignRows(layers, 0b110) << "\n"
     << alignRows(grads, 0b011) << "\n"
     << alignRows({{"hessian_top_eigenvalue", orNa(r.curvature.topEigenvalue)},
                   {"hessian_trace", orNa(r.curvature.trace)}},
                  0b11);
  return os.str();
}

std::string formatJson(const DiagnoseReport &r) {
  std::ostringstream os;
  os << "{\n  \"model\": " << jsonString(r.model) << ",\n  \"batch\": "
     << r.batch << ",\n  \"loss\": " << jsonNumber(r.loss)
     << ",\n  \"layers\": [";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerStats &l = r.layers[i];
    os << (i ? "," : "") << "\n    {\"index\": " << i + 1
       << ", \"name\": " << jsonString(l.name)
       << ", \"kind\": " << jsonString(l.kind) << ", \"units\": " << l.units
       << ", \"variance\": " << jsonNumber(l.variance)
       << ", \"variance_ratio\": " << jsonNumber(l.varianceRatio)
       << ", \"cosine\": " << jsonNumber(l.cosine)
       << ", \"cosine_pre\": " << jsonNumber(l.cosinePre)
       << ", \"dead_fraction\": " << jsonNumber(l.deadFraction) << "}";
  }
  os << "\n  ],\n  \"gradients\": [";
  for (size_t i = 0; i < r.gradients.size(); ++i) {
    const GradientStats &g = r.gradients[i];
    os << (i ? "," : "") << "\n    {\"name\": " << jsonString(g.name)
       << ", \"shape\": " << formatShape(g.shape) << ", \"norm\": "
       << jsonNumber(g.norm) << "}";
  }
  os << "\n  ],\n  \"curvature\": {\"hessian_top_eigenvalue\": "
     << jsonNumber(r.curvature.topEigenvalue)
     << ", \"hessian_trace\": " << jsonNumber(r.curvature.trace) << "}\n}\n";
  return os.str();
}

} // namespace nnrt
