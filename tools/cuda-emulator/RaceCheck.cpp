//===- RaceCheck.cpp - races between the threads of a launch -------------===//

#include "tools/cuda-emulator/RaceCheck.h"

#include <vector>

namespace nnc::emu {

namespace {

constexpr int64_t kNobody = -1;

/// An access: who, and after how many barriers of its block.
struct Access {
  ThreadId thread{kNobody, kNobody};
  uint32_t epoch = 0;

  bool valid() const { return thread.block != kNobody; }
};

/// The shadow of one word.
struct Word {
  uint64_t key;
  uint64_t stamp;
  Access writer;
  Access readers[2];
};

/// Words by address, an open-addressing table forgotten in O(1) by bumping
/// the stamp that its live entries carry.
class Shadow {
public:
  void clear() {
    ++stamp;
    used = 0;
  }

  Word &find(uint64_t key) {
    if ((used + 1) * 2 > table.size())
      grow();
    size_t mask = table.size() - 1;
    for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      Word &word = table[i];
      if (word.stamp != stamp) {
        word = Word{key, stamp, {}, {}};
        ++used;
        return word;
      }
      if (word.key == key)
        return word;
    }
  }

private:
  static size_t hash(uint64_t key) {
    uint64_t mixed = key * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(mixed ^ (mixed >> 29));
  }

  void grow() {
    std::vector<Word> old(std::max<size_t>(table.size() * 2, 1 << 16));
    old.swap(table);
    size_t mask = table.size() - 1;
    for (const Word &word : old) {
      if (word.stamp != stamp)
        continue;
      size_t i = hash(word.key) & mask;
      while (table[i].stamp == stamp)
        i = (i + 1) & mask;
      table[i] = word;
    }
  }

  std::vector<Word> table;
  size_t used = 0;
  // Fresh entries of `table` carry stamp 0: never live.
  uint64_t stamp = 1;
};

Shadow deviceWords, sharedWords;

/// Whether `earlier` and `later` may run in either order: other threads,
/// unless of one block with a barrier between them.
bool unordered(const Access &earlier, const Access &later) {
  if (!earlier.valid() || (earlier.thread.block == later.thread.block &&
                           earlier.thread.thread == later.thread.thread))
    return false;
  return earlier.thread.block != later.thread.block ||
         earlier.epoch == later.epoch;
}

/// The other access of the last race found, and whether it wrote.
Access conflicting;
bool conflictingWrote = false;

const char *conflict(const Access &other, bool wrote, const char *what) {
  conflicting = other;
  conflictingWrote = wrote;
  return what;
}

/// Records `access` to `word`; returns the race it makes, if any.
const char *record(Word &word, const Access &access, bool writes) {
  if (unordered(word.writer, access))
    return conflict(word.writer, true,
                    writes ? "writes a word that" : "reads a word that");
  if (writes) {
    for (const Access &reader : word.readers)
      if (unordered(reader, access))
        return conflict(reader, false, "writes a word that");
    word.writer = access;
    word.readers[0] = word.readers[1] = Access{};
    return nullptr;
  }
  // Two readers are enough to find a later writer unordered with one.
  for (Access &reader : word.readers)
    if (!reader.valid() || (reader.thread.block == access.thread.block &&
                            reader.thread.thread == access.thread.thread)) {
      reader = access;
      return nullptr;
    }
  Access &older = word.readers[0].epoch <= word.readers[1].epoch
                      ? word.readers[0]
                      : word.readers[1];
  older = access;
  return nullptr;
}

} // namespace

void beginLaunchCheck() {
  deviceWords.clear();
  sharedWords.clear();
}

void beginBlockCheck() { sharedWords.clear(); }

const char *checkAccess(uintptr_t address, size_t bytes, bool writes,
                        ThreadId thread, uint32_t epoch, bool shared) {
  Shadow &shadow = shared ? sharedWords : deviceWords;
  Access access{thread, epoch};
  for (uintptr_t word = address / 4; word <= (address + bytes - 1) / 4; ++word)
    if (const char *race = record(shadow.find(word), access, writes))
      return race;
  return nullptr;
}

std::string describeLastConflict() {
  return "thread " + std::to_string(conflicting.thread.thread) +
         " (linear) of block " + std::to_string(conflicting.thread.block) +
         " (linear) " + (conflictingWrote ? "wrote" : "read");
}

} // namespace nnc::emu
