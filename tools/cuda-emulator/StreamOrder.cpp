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

/// Pinned host memory; `holds` counts the queued copies from it,
/// `incoming` those into it.
struct PinnedRegion {
  uintptr_t start;
  size_t bytes;
  int holds;
  int incoming;
};

/// A queued copy's hold on pinned memory.
struct Hold {
  PinnedRegion *region;
  bool incoming;
};

} // namespace

struct Stream {
  bool blocking;
  std::vector<Work> unfinished;
  std::vector<Hold> held;
  /// How many items of each were finished and removed from the front:
  /// marks count from the stream's first item.
  size_t finishedWork = 0, finishedHeld = 0;
};

namespace {

/// The legacy default stream, which also stands for every blocking stream
/// (an approximation: two blocking streams are not ordered with each other
/// on a GPU, only with the legacy one; nnc uses none).
Stream legacy{true, {}, {}, 0, 0};

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

/// Read-only while copies from it are queued, no access while copies into
/// it are.
void protect(const PinnedRegion &region) {
  int protection = region.incoming > 0 ? PROT_NONE
                   : region.holds > 0  ? PROT_READ
                                       : PROT_READ | PROT_WRITE;
  mprotect(reinterpret_cast<void *>(region.start), region.bytes, protection);
}

struct sigaction previousHandler;

/// A write to pinned memory that a queued copy still reads: says so and
/// exits; any other fault goes to the handler that was there before.
void onFault(int signal, siginfo_t *info, void *context) {
  auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (int i = 0; i < pinnedCount; ++i) {
    const PinnedRegion &region = pinned[i];
    if ((region.holds > 0 || region.incoming > 0) &&
        address >= region.start && address < region.start + region.bytes) {
      static const char source[] =
          "nnc CUDA emulator: race: the host wrote pinned memory that a "
          "queued cuMemcpyHtoDAsync still reads (wait for the copy's stream "
          "before reusing its source)\n";
      static const char destination[] =
          "nnc CUDA emulator: race: the host used pinned memory that a "
          "queued cuMemcpyDtoHAsync still writes (wait for the copy's stream "
          "before reading its destination)\n";
      bool incoming = region.incoming > 0;
      ssize_t ignored =
          write(STDERR_FILENO, incoming ? destination : source,
                (incoming ? sizeof(destination) : sizeof(source)) - 1);
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
  auto *stream = new Stream{(flags & 1) == 0, {}, {}, 0, 0};
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

namespace {
void holdPinned(Stream *stream, const void *memory, size_t bytes,
                bool incoming) {
  auto address = reinterpret_cast<uintptr_t>(memory);
  for (int i = 0; i < pinnedCount; ++i) {
    PinnedRegion &region = pinned[i];
    if (address >= region.start &&
        address + bytes <= region.start + region.bytes) {
      ++(incoming ? region.incoming : region.holds);
      protect(region);
      orderedWith(stream).held.push_back({&region, incoming});
      return;
    }
  }
}
} // namespace

void copyToHost(void *destination, const void *source, size_t bytes) {
  auto address = reinterpret_cast<uintptr_t>(destination);
  for (int i = 0; i < pinnedCount; ++i) {
    PinnedRegion &region = pinned[i];
    if (address >= region.start &&
        address + bytes <= region.start + region.bytes) {
      mprotect(reinterpret_cast<void *>(region.start), region.bytes,
               PROT_READ | PROT_WRITE);
      std::memcpy(destination, source, bytes);
      protect(region);
      return;
    }
  }
  std::memcpy(destination, source, bytes);
}

void holdPinnedSource(Stream *stream, const void *source, size_t bytes) {
  holdPinned(stream, source, bytes, /*incoming=*/false);
}

void holdPinnedDestination(Stream *stream, const void *destination,
                           size_t bytes) {
  holdPinned(stream, destination, bytes, /*incoming=*/true);
}

namespace {
/// Finishes the first `work` and `held` items of `stream`.
void finishFront(Stream &stream, size_t work, size_t held) {
  work = std::min(work, stream.unfinished.size());
  held = std::min(held, stream.held.size());
  stream.unfinished.erase(stream.unfinished.begin(),
                          stream.unfinished.begin() + work);
  for (size_t i = 0; i < held; ++i) {
    const Hold &hold = stream.held[i];
    --(hold.incoming ? hold.region->incoming : hold.region->holds);
    protect(*hold.region);
  }
  stream.held.erase(stream.held.begin(), stream.held.begin() + held);
  stream.finishedWork += work;
  stream.finishedHeld += held;
}
} // namespace

void finishStream(Stream *stream) {
  Stream &mine = orderedWith(stream);
  finishFront(mine, mine.unfinished.size(), mine.held.size());
}

Mark markStream(Stream *stream) {
  Stream &mine = orderedWith(stream);
  return {&mine, mine.finishedWork + mine.unfinished.size(),
          mine.finishedHeld + mine.held.size()};
}

void finishUpTo(const Mark &mark) {
  Stream &mine = *mark.stream;
  finishFront(mine,
              mark.work > mine.finishedWork ? mark.work - mine.finishedWork : 0,
              mark.held > mine.finishedHeld ? mark.held - mine.finishedHeld
                                            : 0);
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
    pinned[pinnedCount++] = {reinterpret_cast<uintptr_t>(memory), rounded, 0,
                             0};
  return memory;
}

} // namespace nnc::emu
