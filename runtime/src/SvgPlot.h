//===- SvgPlot.h - the diagnose report as a self-contained SVG -*- C++ -*-===//
//
// `./model diagnose --plot FILE.svg`: one panel per statistic, the layers
// (or weight tensors) on the x axis, written as plain SVG 1.1 that any
// browser shows; no plotting library.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SVGPLOT_H
#define NNRT_SVGPLOT_H

#include "runtime/src/Diagnostics.h"

#include <string>

namespace nnrt {

std::string plotReport(const DiagnoseReport &report);

} // namespace nnrt

#endif // NNRT_SVGPLOT_H
