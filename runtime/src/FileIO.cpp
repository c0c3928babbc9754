//===- FileIO.cpp - reading inputs, writing outputs atomically ------------===//

#include "runtime/src/FileIO.h"

#include "runtime/src/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <zlib.h>

namespace nnrt {

namespace {

std::string systemError() { return std::strerror(errno); }

/// Closes a file descriptor on scope exit.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : fd(fd) {}
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  int get() const { return fd; }
  /// Gives up ownership.
  int release() { return std::exchange(fd, -1); }
  /// Closes now and reports whether close succeeded (it may flush).
  bool close() {
    int result = ::close(fd);
    fd = -1;
    return result == 0;
  }

private:
  int fd;
};

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool writeAll(int fd, const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t written = ::write(fd, bytes, size);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return false;
    bytes += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

bool startsWithGzipMagic(const Bytef *bytes, size_t size) {
  return size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t> &compressed,
                            const std::string &path) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (CRC and length).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
    throw Error(path, "cannot initialize zlib");
  std::vector<uint8_t> output;
  stream.next_in = const_cast<Bytef *>(compressed.data());
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    size_t done = output.size();
    output.resize(done + (1 << 20));
    stream.next_out = output.data() + done;
    stream.avail_out = 1 << 20;
    status = inflate(&stream, Z_NO_FLUSH);
    output.resize(output.size() - stream.avail_out);
    if (status == Z_BUF_ERROR && stream.avail_in == 0)
      break;
    // pigz, bgzip and `cat a.gz b.gz` write several members, which gunzip
    // reads one after another. Other bytes after a member are ignored, as
    // zlib's gzread ignores them.
    if (status == Z_STREAM_END &&
        startsWithGzipMagic(stream.next_in, stream.avail_in) &&
        inflateReset(&stream) == Z_OK)
      status = Z_OK;
  }
  std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (status == Z_STREAM_END)
    return output;
  if (status == Z_BUF_ERROR || status == Z_OK)
    throw Error(path, "truncated gzip stream (the file ends early)");
  throw Error(path, "corrupt gzip stream" +
                        (message.empty() ? "" : " (" + message + ")"));
}

const char *fileTypeName(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a named pipe";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "a special file";
}

/// Files are read whole: a named pipe or a device such as /dev/zero would
/// hang or never end, so only regular files (after symlinks) are read.
int openRegularFile(const std::string &path) {
  // O_NONBLOCK: opening a named pipe must not wait for a writer; it has no
  // effect on the reads of a regular file.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw Error(path, "cannot open: " + systemError());
  FileDescriptor owner(fd);
  struct stat info;
  if (::fstat(fd, &info) != 0)
    throw Error(path, "cannot stat: " + systemError());
  if (!S_ISREG(info.st_mode))
    throw Error(path, std::string("not a regular file (") +
                          fileTypeName(info.st_mode) + ")");
  return owner.release();
}

} // namespace

std::vector<uint8_t> readFile(const std::string &path) {
  FileDescriptor fd(openRegularFile(path));
  std::vector<uint8_t> bytes;
  char buffer[1 << 16];
  while (true) {
    ssize_t count = ::read(fd.get(), buffer, sizeof(buffer));
    if (count < 0 && errno == EINTR)
      continue;
    if (count < 0)
      throw Error(path, "cannot read: " + systemError());
    if (count == 0)
      return bytes;
    bytes.insert(bytes.end(), buffer, buffer + count);
  }
}

std::vector<uint8_t> readMaybeCompressedFile(const std::string &path) {
  std::vector<uint8_t> bytes = readFile(path);
  if (startsWithGzipMagic(bytes.data(), bytes.size()))
    return gunzip(bytes, path);
  return bytes;
}

bool fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && !S_ISDIR(info.st_mode);
}

void checkWritable(const std::string &path) {
  std::string dir = directoryOf(path);
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    throw Error(path, "is a directory");
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error(path,
                "cannot write to directory " + dir + ": " + systemError());
}

void writeFileAtomically(const std::string &path,
                         const std::vector<ByteRange> &pieces) {
  std::string dir = directoryOf(path);
  std::string temporary = path + ".tmp.XXXXXX";
  FileDescriptor fd(::mkstemp(&temporary[0]));
  if (fd.get() < 0)
    throw Error(path, "cannot create a temporary file in " + dir + ": " +
                          systemError());
  auto abandon = [&](const std::string &what) {
    std::string reason = systemError();
    ::unlink(temporary.c_str());
    throw Error(path, what + ": " + reason);
  };
  // mkstemp creates 0600; give the file the usual permissions.
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd.get(), 0666 & ~mask) != 0)
    abandon("cannot set permissions");
  for (const ByteRange &piece : pieces)
    if (!writeAll(fd.get(), piece.data, piece.size))
      abandon("cannot write");
  if (::fsync(fd.get()) != 0)
    abandon("cannot sync");
  if (!fd.close())
    abandon("cannot close");
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    abandon("cannot rename the temporary file over it");
  // Make the rename itself durable.
  FileDescriptor dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dirFd.get() >= 0)
    ::fsync(dirFd.get());
}

} // namespace nnrt
