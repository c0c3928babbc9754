//===- SvgPlot.cpp - the diagnose report as a self-contained SVG ----------===//

#include "runtime/src/SvgPlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace nnrt {

namespace {
constexpr double kPanelW = 360, kPanelH = 240, kMarginL = 62, kMarginR = 16,
                 kMarginT = 30, kMarginB = 40;

std::string fmt(const char *format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

/// One statistic against the layer index, in a panel at (x0, y0). NaN and
/// (on a log axis) non-positive values are gaps.
struct Panel {
  std::string title;
  std::vector<double> values;
  bool logScale;
  /// Fixed y range for quantities in [0, 1]; else from the data.
  bool unitRange;
  const char *xLabel = "layer";
  /// An optional second series on the same axes (dashed), and the legend
  /// of both.
  std::vector<double> second = {};
  const char *legend = nullptr, *secondLegend = nullptr;
};

void drawPanel(std::ostringstream &svg, const Panel &p, double x0, double y0) {
  double w = kPanelW - kMarginL - kMarginR, h = kPanelH - kMarginT - kMarginB;
  double left = x0 + kMarginL, top = y0 + kMarginT;
  auto usable = [&](double v) {
    return std::isfinite(v) && (!p.logScale || v > 0);
  };
  auto scaled = [&](double v) { return p.logScale ? std::log10(v) : v; };
  double lo = 0, hi = 1;
  if (!p.unitRange) {
    lo = INFINITY, hi = -INFINITY;
    for (double v : p.values)
      if (usable(v))
        lo = std::min(lo, scaled(v)), hi = std::max(hi, scaled(v));
    if (!(lo <= hi))
      lo = 0, hi = 1;
    if (p.logScale)
      lo = std::floor(lo), hi = std::ceil(hi);
    if (hi - lo < 1e-12)
      lo -= 0.5, hi += 0.5;
  }
  size_t n = p.values.size();
  auto px = [&](size_t i) {
    return left + (n > 1 ? w * double(i) / double(n - 1) : w / 2);
  };
  auto py = [&](double v) {
    return top + h - h * (scaled(v) - lo) / (hi - lo);
  };

  svg << "<text x=\"" << x0 + kPanelW / 2 << "\" y=\"" << y0 + 18
      << "\" text-anchor=\"middle\" font-weight=\"bold\">" << p.title
      << "</text>\n"
      << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << w
      << "\" height=\"" << h << "\" fill=\"none\" stroke=\"#444\"/>\n";
  // Five y ticks (decades on a log axis), the layer count on x.
  int ticks = p.logScale ? int(hi - lo) : 4;
  int step = std::max(1, ticks / 6);
  for (int t = 0; t <= ticks; t += step) {
    double s = lo + (hi - lo) * t / std::max(ticks, 1);
    double y = top + h - h * (s - lo) / (hi - lo);
    std::string label = p.logScale ? "1e" + std::to_string(int(std::lround(s)))
                                   : fmt("%.2g", s);
    svg << "<line x1=\"" << left << "\" y1=\"" << y << "\" x2=\"" << left + w
        << "\" y2=\"" << y << "\" stroke=\"#ddd\"/>\n"
        << "<text x=\"" << left - 4 << "\" y=\"" << y + 4
        << "\" text-anchor=\"end\">" << label << "</text>\n";
  }
  for (size_t i : {size_t(0), n ? n - 1 : 0})
    svg << "<text x=\"" << px(i) << "\" y=\"" << top + h + 16
        << "\" text-anchor=\"middle\">" << i + 1 << "</text>\n";
  svg << "<text x=\"" << left + w / 2 << "\" y=\"" << top + h + 32
      << "\" text-anchor=\"middle\">" << p.xLabel << "</text>\n";
  auto series = [&](const std::vector<double> &values, const char *color,
                    const char *dash) {
    std::string path;
    bool pen = false;
    for (size_t i = 0; i < values.size(); ++i) {
      if (!usable(values[i])) {
        pen = false;
        continue;
      }
      path += (pen ? " L" : " M") + fmt("%.2f", px(i)) + "," +
              fmt("%.2f", py(values[i]));
      pen = true;
      svg << "<circle cx=\"" << px(i) << "\" cy=\"" << py(values[i])
          << "\" r=\"2\" fill=\"" << color << "\"/>\n";
    }
    if (!path.empty())
      svg << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << color
          << "\" stroke-width=\"1.5\"" << dash << "/>\n";
  };
  series(p.values, "#1f77b4", "");
  if (!p.second.empty())
    series(p.second, "#ff7f0e", " stroke-dasharray=\"4,3\"");
  if (p.legend && p.secondLegend)
    // Bottom right: cosines grow with depth, so that corner is mostly free.
    svg << "<text x=\"" << left + w - 6 << "\" y=\"" << top + h - 22
        << "\" text-anchor=\"end\" fill=\"#1f77b4\">" << p.legend << "</text>\n"
        << "<text x=\"" << left + w - 6 << "\" y=\"" << top + h - 8
        << "\" text-anchor=\"end\" fill=\"#ff7f0e\">" << p.secondLegend
        << "</text>\n";
}
} // namespace

std::string plotReport(const DiagnoseReport &r) {
  std::vector<Panel> panels(5);
  panels[0] = {"intra-neuron variance", {}, true, false};
  panels[1] = {"variance / mean square", {}, true, false};
  panels[2] = {
      "mean cosine similarity", {}, false, true, "layer", {}, "post-activation",
      "pre-activation"};
  panels[3] = {"dead ReLU fraction", {}, false, true};
  panels[4] = {"gradient norm of each weight",
               {},
               true,
               false,
               "weight (fc1.weight, ...)"};
  for (const LayerStats &l : r.layers) {
    panels[0].values.push_back(l.variance);
    panels[1].values.push_back(l.varianceRatio);
    panels[2].values.push_back(l.cosine);
    panels[2].second.push_back(l.cosinePre);
    panels[3].values.push_back(l.deadFraction.value_or(NAN));
  }
  for (const GradientStats &g : r.gradients)
    if (g.shape.size() >= 2) // weights, not biases or norm scales
      panels[4].values.push_back(g.norm);

  int columns = 3, rows = 2;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
      << columns * kPanelW << "\" height=\"" << rows * kPanelH + 30
      << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"10\" y=\"20\" font-size=\"14\">" << r.model << ": batch "
      << r.batch << ", loss " << fmt("%.6g", r.loss);
  if (r.curvature.topEigenvalue)
    svg << ", top Hessian eigenvalue "
        << fmt("%.6g", *r.curvature.topEigenvalue);
  if (r.curvature.trace)
    svg << ", Hessian trace " << fmt("%.6g", *r.curvature.trace);
  svg << "</text>\n";
  for (size_t i = 0; i < panels.size(); ++i)
    drawPanel(svg, panels[i], double(i % columns) * kPanelW,
              30 + double(i / columns) * kPanelH);
  svg << "</svg>\n";
  return svg.str();
}

} // namespace nnrt
