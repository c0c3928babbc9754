//===- Progress.h - training progress on a terminal or a log ---*- C++ -*-===//
//
// On a terminal, one live line redrawn in place (at most 10 times a second);
// otherwise plain lines, about ten per epoch, so logs stay readable.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_PROGRESS_H
#define NNRT_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace nnrt {

class Progress {
public:
  /// Writes to `out`; `live` chooses the terminal style.
  Progress(std::FILE *out, bool live);
  /// Ends a live line so that what follows starts on its own line.
  ~Progress();

  /// Reports `status` after step `stepInEpoch` (from 1) of
  /// `stepsPerEpoch`.
  void update(const std::string &status, int64_t stepInEpoch,
              int64_t stepsPerEpoch);
  /// Prints a permanent line.
  void print(const std::string &line);

private:
  void endLiveLine();

  std::FILE *out;
  bool live;
  bool liveLineShown = false;
  std::chrono::steady_clock::time_point lastDraw;
};

} // namespace nnrt

#endif // NNRT_PROGRESS_H
