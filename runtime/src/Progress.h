//===- Progress.h - training progress on a terminal or a log ---*- C++ -*-===//
//
// On a terminal, one live line redrawn in place; otherwise plain lines at
// every tenth of an epoch, so logs stay readable. Either way updates come at
// most every `minSeconds` (a live line: 0.1 s, plain lines: 1 s, so that a
// fast run prints only its epoch lines).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_PROGRESS_H
#define NNRT_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace nnrt {

class Progress {
public:
  /// Writes to `out`; `live` chooses the terminal style.
  Progress(std::FILE *out, bool live, double minSeconds);
  /// Ends a live line so that what follows starts on its own line.
  ~Progress();

  /// Reports the status that `status()` formats after step `stepInEpoch`
  /// (from 1) of `stepsPerEpoch`; `status` is only called when shown.
  void update(const std::function<std::string()> &status, int64_t stepInEpoch,
              int64_t stepsPerEpoch);
  /// Prints a permanent line.
  void print(const std::string &line);

private:
  void endLiveLine();

  std::FILE *out;
  bool live;
  std::chrono::duration<double> minInterval;
  bool liveLineShown = false;
  std::chrono::steady_clock::time_point lastDraw;
};

} // namespace nnrt

#endif // NNRT_PROGRESS_H
