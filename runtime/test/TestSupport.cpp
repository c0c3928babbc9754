//===- TestSupport.cpp - helpers shared by the runtime's tests ------------===//

#include "runtime/test/TestSupport.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <unistd.h>
#include <zlib.h>

namespace nnrt::test {

const char *const kSmallManifest = "nnc 1\n"
                                   "model small\n"
                                   "input 4,6\n"
                                   "target i32 4\n"
                                   "output 4,3\n"
                                   "loss softmax_cross_entropy\n"
                                   "state_size 23\n"
                                   "hparam lr 0.5\n"
                                   "flops 1000\n"
                                   "gradcheck 0\n"
                                   "tensor w 0 3,6 normal 0 1 trainable\n"
                                   "tensor b 18 3 constant 0.5 0 trainable\n"
                                   "tensor s 21 2 uniform -1 1 buffer\n";

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/nnrt-test.XXXXXX";
  if (!::mkdtemp(&pattern[0]))
    throw std::runtime_error("mkdtemp failed");
  dir = pattern;
}

std::vector<std::string> TempDir::list() const {
  std::vector<std::string> names;
  if (DIR *d = ::opendir(dir.c_str())) {
    while (dirent *entry = ::readdir(d))
      if (std::string(entry->d_name) != "." &&
          std::string(entry->d_name) != "..")
        names.push_back(entry->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TempDir::~TempDir() {
  // Tests may make files read-only or create subdirectories; keep it simple
  // and robust by delegating to rm.
  std::string command = "chmod -R u+w '" + dir + "' && rm -rf '" + dir + "'";
  if (std::system(command.c_str()) != 0)
    std::fprintf(stderr, "warning: could not remove %s\n", dir.c_str());
}

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), file), bytes.size());
  std::fclose(file);
}

void writeText(const std::string &path, const std::string &text) {
  writeBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

std::vector<uint8_t> gzip(const std::vector<uint8_t> &bytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
               Z_DEFAULT_STRATEGY);
  std::vector<uint8_t> out(deflateBound(&stream, bytes.size()) + 32);
  stream.next_in = const_cast<Bytef *>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::vector<uint8_t> idxBytes(const Shape &dims,
                              const std::vector<uint8_t> &data) {
  std::vector<uint8_t> bytes = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (int64_t dim : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(static_cast<uint8_t>(dim >> shift));
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

} // namespace nnrt::test
