//===- Progress.cpp - training progress on a terminal or a log ------------===//

#include "runtime/src/Progress.h"

#include <algorithm>

namespace nnrt {

Progress::Progress(std::FILE *out, bool live, double minSeconds)
    : out(out), live(live), minInterval(minSeconds),
      lastDraw(std::chrono::steady_clock::now()) {}

Progress::~Progress() { endLiveLine(); }

void Progress::endLiveLine() {
  if (!liveLineShown)
    return;
  std::fputc('\n', out);
  std::fflush(out);
  liveLineShown = false;
}

void Progress::update(const std::function<std::string()> &status,
                      int64_t stepInEpoch, int64_t stepsPerEpoch) {
  auto now = std::chrono::steady_clock::now();
  if (now - lastDraw < minInterval && (!live || liveLineShown))
    return;
  if (live) {
    // "\r" returns to the line start, "\x1b[K" clears what is left of it.
    std::fprintf(out, "\r%s\x1b[K", status().c_str());
    std::fflush(out);
    liveLineShown = true;
    lastDraw = now;
    return;
  }
  int64_t every = std::max<int64_t>(1, (stepsPerEpoch + 9) / 10);
  // The last step of an epoch is followed by the epoch's own line.
  if (stepInEpoch % every != 0 || stepInEpoch == stepsPerEpoch)
    return;
  print(status());
  lastDraw = now;
}

void Progress::print(const std::string &line) {
  if (liveLineShown) {
    std::fputs("\r\x1b[K", out);
    liveLineShown = false;
  }
  std::fprintf(out, "%s\n", line.c_str());
  std::fflush(out);
}

} // namespace nnrt
