//===- FileIO.h - reading inputs, writing outputs atomically ---*- C++ -*-===//
//
// Outputs the user cares about (checkpoints, predictions) are written to a
// temporary file in the destination's directory, fsynced and renamed over
// the destination, so a crash or a full disk never leaves a torn file and a
// failure never destroys the previous version.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_FILEIO_H
#define NNRT_FILEIO_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

/// The whole file; errors name the path. Every reader of the runtime comes
/// here, and only regular files (after symlinks) are read: anything else
/// (a named pipe, /dev/zero, a directory) is an error, not a hang.
std::vector<uint8_t> readFile(const std::string &path);

/// The whole file, gunzipped when it starts with the gzip magic number (all
/// members of a multi-member file, one after another); a truncated or
/// corrupt stream is an error naming the path.
std::vector<uint8_t> readMaybeCompressedFile(const std::string &path);

bool fileExists(const std::string &path);

struct ByteRange {
  const void *data;
  size_t size;
};

/// Writes the concatenation of `pieces` to `path` atomically: temporary file
/// in the same directory, fsync, rename, fsync of the directory.
void writeFileAtomically(const std::string &path,
                         const std::vector<ByteRange> &pieces);

/// Fails early (before hours of training) when `path` cannot be created:
/// its directory must exist and be writable.
void checkWritable(const std::string &path);

} // namespace nnrt

#endif // NNRT_FILEIO_H
