//===- StreamOrder.cpp - races between CUDA streams, found ----------------===//

#include "tools/cuda-emulator/StreamOrder.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace nnc::emu {

namespace {

/// Queued work that the host has not waited for.
struct Work {
  std::string what;
  std::vector<uintptr_t> buffers;
  bool writes;
};

/// Pinned host memory; `holds` counts the queued copies from it.
struct PinnedRegion {
  uintptr_t start;
  size_t bytes;
  int holds;
};

} // namespace

struct Stream {
  bool blocking;
  std::vector<Work> unfinished;
  std::vector<PinnedRegion *> held;
};

namespace {

/// The legacy default stream, which also stands for every blocking stream
/// (an approximation: two blocking streams are not ordered with each other
/// on a GPU, only with the legacy one; nnc uses none).
Stream legacy{true, {}, {}};

std::vector<Stream *> &nonBlockingStreams() {
  static std::vector<Stream *> streams;
  return streams;
}

Stream &orderedWith(Stream *stream) {
  return !stream || stream->blocking ? legacy : *stream;
}

// A fixed table, read by the signal handler without locks or allocation.
constexpr int kMaxPinned = 64;
PinnedRegion pinned[kMaxPinned];
int pinnedCount = 0;

size_t pageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

void protect(const PinnedRegion &region, int protection) {
  mprotect(reinterpret_cast<void *>(region.start), region.bytes, protection);
}

struct sigaction previousHandler;

/// A write to pinned memory that a queued copy still reads: says so and
/// exits; any other fault goes to the handler that was there before.
void onFault(int signal, siginfo_t *info, void *context) {
  auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (int i = 0; i < pinnedCount; ++i) {
    const PinnedRegion &region = pinned[i];
    if (region.holds > 0 && address >= region.start &&
        address < region.start + region.bytes) {
      static const char message[] =
          "nnc CUDA emulator: race: the host wrote pinned memory that a "
          "queued cuMemcpyHtoDAsync still reads (wait for the copy's stream "
          "before reusing its source)\n";
      ssize_t ignored = write(STDERR_FILENO, message, sizeof(message) - 1);
      (void)ignored;
      _exit(70);
    }
  }
  // Not ours: fault again under the previous disposition.
  sigaction(SIGSEGV, &previousHandler, nullptr);
  (void)signal;
  (void)context;
}

void installFaultHandler() {
  static bool installed = false;
  if (installed)
    return;
  installed = true;
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onFault;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &previousHandler);
}

/// The first buffer of `a` that `b` holds too, or 0.
uintptr_t sharedBuffer(const std::vector<uintptr_t> &a,
                       const std::vector<uintptr_t> &b) {
  for (uintptr_t buffer : a)
    if (std::find(b.begin(), b.end(), buffer) != b.end())
      return buffer;
  return 0;
}

std::string describeStream(const Stream &stream) {
  return &stream == &legacy ? "the default stream" : "a non-blocking stream";
}

} // namespace

Stream *createStream(unsigned flags) {
  // CU_STREAM_NON_BLOCKING = 1.
  auto *stream = new Stream{(flags & 1) == 0, {}, {}};
  if (!stream->blocking)
    nonBlockingStreams().push_back(stream);
  return stream;
}

Race enqueue(Stream *stream, const std::string &what,
             const std::vector<uintptr_t> &buffers, bool writes) {
  Stream &mine = orderedWith(stream);
  std::vector<Stream *> others(nonBlockingStreams());
  others.push_back(&legacy);
  for (Stream *other : others) {
    if (other == &mine)
      continue;
    for (const Work &work : other->unfinished) {
      uintptr_t buffer = sharedBuffer(buffers, work.buffers);
      if (buffer && (writes || work.writes))
        return {"race: " + what + " on " + describeStream(mine) + " and " +
                    work.what + ", still queued on " + describeStream(*other) +
                    ", use the same device buffer, and nothing orders them "
                    "(the host waited for neither stream in between)",
                buffer};
    }
  }
  mine.unfinished.push_back({what, buffers, writes});
  return {"", 0};
}

void holdPinnedSource(Stream *stream, const void *source, size_t bytes) {
  auto address = reinterpret_cast<uintptr_t>(source);
  for (int i = 0; i < pinnedCount; ++i) {
    PinnedRegion &region = pinned[i];
    if (address >= region.start &&
        address + bytes <= region.start + region.bytes) {
      if (region.holds++ == 0)
        protect(region, PROT_READ);
      orderedWith(stream).held.push_back(&region);
      return;
    }
  }
}

void finishStream(Stream *stream) {
  Stream &mine = orderedWith(stream);
  mine.unfinished.clear();
  for (PinnedRegion *region : mine.held)
    if (--region->holds == 0)
      protect(*region, PROT_READ | PROT_WRITE);
  mine.held.clear();
}

void finishAll() {
  finishStream(nullptr);
  for (Stream *stream : nonBlockingStreams())
    finishStream(stream);
}

void *allocatePinned(size_t bytes) {
  size_t page = pageSize();
  size_t rounded = std::max<size_t>(page, (bytes + page - 1) / page * page);
  void *memory = mmap(nullptr, rounded, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED)
    return nullptr;
  installFaultHandler();
  if (pinnedCount < kMaxPinned)
    pinned[pinnedCount++] = {reinterpret_cast<uintptr_t>(memory), rounded, 0};
  return memory;
}

} // namespace nnc::emu
