//===- CudaEmulator.cpp - the CUDA driver API over host-compiled kernels --===//
//
// A stand-in for libcuda.so.1 that runs models built with `nnc
// --target=nvptx --gpu-emulate` on the CPU: NNRT_LIBCUDA=<this library>.
// The runtime's GPU path (runtime/src/Cuda.cpp, CudaRuntimeWrappers.cpp,
// DeviceModel.cpp) and the compiled host code run unchanged; "device
// memory" is host memory, and a launch calls the host copy of the kernel
// (`nnc_emu_<kernel>`, found with dlsym) once per thread, with the launch's
// own parameter array, so that the parameters the host code packs are
// checked against what the kernel reads.
//
// Launches are synchronous; blocks run in parallel on the host's cores
// (NNC_EMU_THREADS caps them). The threads of a block run one after the
// other; those of kernels that synchronize (`nnc_emu_sync_<kernel>`:
// barriers, shared memory, warp-wide tensor-core multiplies) run as fibers
// that switch at each barrier, so that every thread reaches it before any
// goes on, as on the GPU. A warp's `mma.sync.m16n8k8` (TF32) is computed
// once all its 32 lanes have handed in their fragments, with the fragment
// layout of the PTX ISA. Launch configurations are checked against the limits
// of the GPU (sm_90), which would reject them too. "Device memory" is
// inaccessible (PROT_NONE) except while the emulator itself copies or runs
// kernels: host code that dereferences a device pointer crashes, as it
// would with a real GPU; each buffer ends at an inaccessible page, so that
// a kernel reading or writing past its end (by more than the 256-byte
// rounding) crashes too instead of corrupting a neighbour.
//
// Launches and copies run at once, but the emulator keeps what each stream
// has queued and the host has not waited for (StreamOrder.h): work of two
// streams that nothing orders and that uses the same device buffer is
// reported as a race, which a GPU would run in either order.
//
// NNC_EMU_TRACE=<file> appends one line per launch, copy and
// synchronization (bench/gpu_profile.py reads it): what a training
// step asks of the GPU, without one; also "module sass sm_XY" or "module
// ptx" for each kernel image loaded. NNC_EMU_SM=<XY> makes the emulator a
// GPU of another architecture (sm_90 by default), which refuses cubins of
// another major version or a later minor one, and PTX for a later one.
// NNC_EMU_SKIP_KERNELS=1 checks and queues launches but does not run them: the results are garbage, the time
// is what the host spends per step (bench/gpu_profile.py --host).
//
//===----------------------------------------------------------------------===//

#include "tools/cuda-emulator/Launch.h"
#include "tools/cuda-emulator/RaceCheck.h"
#include "tools/cuda-emulator/StreamOrder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <string>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>
#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace {

using CUresult = int;
using CUdeviceptr = uint64_t;

// cuda.h's values.
constexpr CUresult kSuccess = 0;
constexpr CUresult kInvalidValue = 1;
constexpr CUresult kOutOfMemory = 2;
constexpr CUresult kInvalidImage = 200;
constexpr CUresult kNoBinaryForGpu = 209;
constexpr CUresult kInvalidPtx = 218;
constexpr CUresult kNotFound = 500;
constexpr CUresult kInvalidConfiguration = 9;

/// What the compiler's nnc-nvptx-emulator-entries pass defines per kernel.
using KernelEntry = void (*)(void **params, const int64_t *ids);

struct Function {
  std::string name;
  KernelEntry entry;
  /// Whether its threads synchronize (they then run as fibers).
  bool synchronizes;
  /// nnc_emu_args_<kernel>: 'p' for each pointer parameter, the bytes of
  /// the others ('1'-'8'), 'v' where the compiler did not say.
  std::string argumentKinds;
  /// Whether its memory accesses go through checkAccess (nnc
  /// --gpu-race-check): its blocks then run one after another.
  bool raceChecked;
};

/// The id array of a thread (compiler/Backends/NVPTX/EmulatedKernels.cpp):
/// thread, block, block size, grid size (x, y, z each), then the
/// emulator's barrier, the block's shared memory, its warp multiply and the
/// race check of each memory access.
constexpr int kIdSlots = 16;
constexpr int kBarrierSlot = 12, kSharedSlot = 13, kMmaSlot = 14,
              kAccessSlot = 15;
/// Shared memory per block (sm_90's static limit).
constexpr size_t kSharedBytes = 48 * 1024;
constexpr unsigned kWarpSize = 32;

const char *errorName(CUresult result) {
  switch (result) {
  case kSuccess:
    return "CUDA_SUCCESS";
  case kInvalidValue:
    return "CUDA_ERROR_INVALID_VALUE";
  case kOutOfMemory:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case kInvalidConfiguration:
    return "CUDA_ERROR_INVALID_CONFIGURATION";
  case kInvalidImage:
    return "CUDA_ERROR_INVALID_IMAGE";
  case kNoBinaryForGpu:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case kInvalidPtx:
    return "CUDA_ERROR_INVALID_PTX";
  case kNotFound:
    return "CUDA_ERROR_NOT_FOUND";
  default:
    return nullptr;
  }
}

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "nnc CUDA emulator: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(70);
}

/// A device allocation: its pages, then one guard page that is never
/// accessible; the buffer ends where the guard begins (rounded up to 256
/// bytes, cudaMalloc's alignment), so that reading or writing past its end
/// faults.
struct Allocation {
  uintptr_t pages;
  size_t pageBytes;
  /// What cuMemAlloc was asked for (the race check's bounds).
  size_t bytes;
};

/// By the address handed out; accessible only while `DeviceAccess` objects
/// live.
std::map<uintptr_t, Allocation> &allocations() {
  static std::map<uintptr_t, Allocation> map;
  return map;
}

/// The address handed out for the allocation that `address` points into, or
/// 0 when it is no device memory.
uintptr_t allocationContaining(uintptr_t address) {
  auto after = allocations().upper_bound(address);
  if (after == allocations().begin())
    return 0;
  auto [start, allocation] = *std::prev(after);
  return address < allocation.pages + allocation.pageBytes ? start : 0;
}

/// The device buffers of `addresses` (none for host memory).
std::vector<uintptr_t> buffersOf(std::initializer_list<uintptr_t> addresses) {
  std::vector<uintptr_t> buffers;
  for (uintptr_t address : addresses)
    if (uintptr_t start = allocationContaining(address))
      buffers.push_back(start);
  return buffers;
}

/// Records `what` on `stream` with StreamOrder; a race ends the process.
void enqueue(void *stream, const std::string &what,
             const std::vector<uintptr_t> &buffers, bool writes) {
  nnc::emu::Race race = nnc::emu::enqueue(
      static_cast<nnc::emu::Stream *>(stream), what, buffers, writes);
  if (race.description.empty())
    return;
  const Allocation &allocation = allocations().at(race.buffer);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), " (device buffer %#zx, %zu bytes)",
                static_cast<size_t>(race.buffer),
                static_cast<size_t>(allocation.pages + allocation.pageBytes -
                                    race.buffer));
  fail(race.description + buffer);
}

/// A synchronous copy: ordered on the legacy stream, done when it returns.
void copiedSynchronously(const char *what, uintptr_t to, uintptr_t from) {
  enqueue(nullptr, what, buffersOf({to}), /*writes=*/true);
  enqueue(nullptr, what, buffersOf({from}), /*writes=*/false);
  nnc::emu::finishStream(nullptr);
}

/// Whether NNC_EMU_SKIP_KERNELS asks for launches that do not run.
bool skipKernels() {
  static const bool skip = [] {
    const char *value = std::getenv("NNC_EMU_SKIP_KERNELS");
    return value && *value && std::string(value) != "0";
  }();
  return skip;
}

/// Device memory is inaccessible to the host outside the emulator's calls;
/// when kernels are skipped it stays open (the time measured is then the
/// host's, not that of a system call per buffer and call).
void protectAll(int protection) {
  if (skipKernels())
    return;
  for (const auto &[address, allocation] : allocations())
    mprotect(reinterpret_cast<void *>(allocation.pages), allocation.pageBytes,
             protection);
}

/// Opens device memory to the emulator for its lifetime.
struct DeviceAccess {
  DeviceAccess() { protectAll(PROT_READ | PROT_WRITE); }
  ~DeviceAccess() { protectAll(PROT_NONE); }
};

unsigned workerCount() {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (const char *cap = std::getenv("NNC_EMU_THREADS"))
    cores = std::clamp(static_cast<unsigned>(std::atoi(cap)), 1u, cores);
  return cores;
}

/// The file of NNC_EMU_TRACE, or null: tab-separated lines "launch name
/// grid block microseconds", "htod|dtoh|dtod bytes", "sync".
FILE *traceFile() {
  static FILE *file = [] {
    const char *path = std::getenv("NNC_EMU_TRACE");
    FILE *opened = path && *path ? std::fopen(path, "a") : nullptr;
    // Line by line: complete when the model is stopped or fails.
    if (opened)
      std::setvbuf(opened, nullptr, _IOLBF, 0);
    return opened;
  }();
  return file;
}

template <typename... Args> void trace(const char *format, Args... args) {
  if (FILE *file = traceFile())
    std::fprintf(file, format, args...);
}
void trace(const char *text) {
  if (FILE *file = traceFile())
    std::fputs(text, file);
}

//===-- Fibers ------------------------------------------------------------===//

/// A fiber's saved state: its stack pointer (x86-64: callee-saved registers
/// and the floating-point control words are on its stack).
#if defined(__x86_64__)
struct Context {
  void *sp = nullptr;
};

extern "C" void nnc_emu_switch(void **save, void *resume);
// Saves the callee-saved registers, MXCSR and the x87 control word on the
// current stack, stores its pointer in *save, and resumes the fiber whose
// stack pointer is `resume` the same way.
asm(R"(
  .text
  .p2align 4
  .hidden nnc_emu_switch
  .globl nnc_emu_switch
  .type nnc_emu_switch, @function
nnc_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size nnc_emu_switch, .-nnc_emu_switch
)");

void switchContext(Context &from, Context &to) {
  nnc_emu_switch(&from.sp, to.sp);
}

/// Makes `context` start `start` on the stack [base, base + bytes).
void makeContext(Context &context, char *base, size_t bytes, void (*start)()) {
  auto top = reinterpret_cast<uintptr_t>(base + bytes) & ~uintptr_t(15);
  auto *sp = reinterpret_cast<uint64_t *>(top);
  *--sp = 0; // `start`'s return address: it never returns
  *--sp = reinterpret_cast<uint64_t>(start);
  for (int i = 0; i < 6; ++i)
    *--sp = 0; // rbp, rbx, r12-r15
  uint32_t mxcsr, x87;
  asm volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(x87));
  *--sp = uint64_t(mxcsr) | uint64_t(x87 & 0xFFFF) << 32;
  context.sp = sp;
}
#else
struct Context {
  ucontext_t context;
};

void switchContext(Context &from, Context &to) {
  swapcontext(&from.context, &to.context);
}

void makeContext(Context &context, char *base, size_t bytes, void (*start)()) {
  getcontext(&context.context);
  context.context.uc_stack.ss_sp = base;
  context.context.uc_stack.ss_size = bytes;
  context.context.uc_link = nullptr;
  makecontext(&context.context, start, 0);
}
#endif

enum class LaneState { Ready, AtBarrier, AtMma, Done };

/// A thread of a block run as a fiber.
struct Lane {
  Context context;
  LaneState state = LaneState::Ready;
  int64_t ids[kIdSlots];
  /// a0-a3, b0, b1 (TF32 bits), c0-c3 in; d0-d3 out.
  uint32_t mma[14];
};

/// The block that this host thread is running as fibers.
struct BlockRun {
  const Function *function;
  void **params;
  std::vector<Lane> *lanes;
  unsigned count;
  unsigned running;
  Context scheduler;
  /// Barriers the block has passed (the race check's epochs).
  uint32_t barriers = 0;
};
thread_local BlockRun *currentBlock = nullptr;

constexpr size_t kStackBytes = 64 * 1024;

/// Fiber stacks of this host thread, each above an inaccessible page (an
/// overflow faults instead of corrupting a neighbour); unmapped when the
/// thread ends (launches run on fresh host threads).
struct StackPool {
  std::vector<char *> stacks;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  ~StackPool() {
    for (char *stack : stacks)
      munmap(stack - page, kStackBytes + page);
  }
};

std::vector<char *> &stacks(unsigned count) {
  thread_local StackPool pool;
  while (pool.stacks.size() < count) {
    void *memory =
        mmap(nullptr, kStackBytes + pool.page, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
      fail("cannot allocate fiber stacks");
    mprotect(memory, pool.page, PROT_NONE);
    pool.stacks.push_back(static_cast<char *>(memory) + pool.page);
  }
  return pool.stacks;
}

void laneMain() {
  BlockRun &block = *currentBlock;
  Lane &lane = (*block.lanes)[block.running];
  block.function->entry(block.params, lane.ids);
  lane.state = LaneState::Done;
  switchContext(lane.context, block.scheduler);
  __builtin_unreachable();
}

BlockRun &synchronizingBlock(const char *what) {
  if (!currentBlock)
    fail(std::string(what) +
         " in a kernel not compiled as synchronizing (nnc_emu_sync_)");
  return *currentBlock;
}

/// __syncthreads: the fiber waits until every thread of the block is here.
void barrier() {
  BlockRun &block = synchronizingBlock("barrier");
  Lane &lane = (*block.lanes)[block.running];
  lane.state = LaneState::AtBarrier;
  switchContext(lane.context, block.scheduler);
}

/// mma.sync.m16n8k8 (TF32): hands in this lane's fragments, waits for the
/// warp, takes its part of the result.
void mma(uint32_t *words) {
  BlockRun &block = synchronizingBlock("mma.sync");
  Lane &lane = (*block.lanes)[block.running];
  std::memcpy(lane.mma, words, 10 * sizeof(uint32_t));
  lane.state = LaneState::AtMma;
  switchContext(lane.context, block.scheduler);
  std::memcpy(words + 10, lane.mma + 10, 4 * sizeof(uint32_t));
}

float asFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

uint32_t asBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// D = A·B + C for the warp whose lanes start at `first`, with the
/// fragment layout of the PTX ISA ("Matrix Fragments for mma.m16n8k8",
/// .tf32): groupID = lane / 4, t = lane % 4; a0 (g, t), a1 (g + 8, t),
/// a2 (g, t + 4), a3 (g + 8, t + 4); b0 (k = t, n = g), b1 (t + 4, g);
/// c0 (g, 2t), c1 (g, 2t + 1), c2 (g + 8, 2t), c3 (g + 8, 2t + 1). The
/// multiplicands keep the 19 bits of TF32; products are exact in f32.
void multiplyWarp(Lane *lanes) {
  float a[16][8], b[8][8], c[16][8];
  auto tf32 = [](uint32_t bits) { return asFloat(bits & 0xFFFFE000u); };
  for (unsigned l = 0; l < kWarpSize; ++l) {
    const uint32_t *w = lanes[l].mma;
    unsigned g = l / 4, t = l % 4;
    a[g][t] = tf32(w[0]);
    a[g + 8][t] = tf32(w[1]);
    a[g][t + 4] = tf32(w[2]);
    a[g + 8][t + 4] = tf32(w[3]);
    b[t][g] = tf32(w[4]);
    b[t + 4][g] = tf32(w[5]);
    c[g][2 * t] = asFloat(w[6]);
    c[g][2 * t + 1] = asFloat(w[7]);
    c[g + 8][2 * t] = asFloat(w[8]);
    c[g + 8][2 * t + 1] = asFloat(w[9]);
  }
  float d[16][8];
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 8; ++j) {
      float sum = c[i][j];
      for (int k = 0; k < 8; ++k)
        sum += a[i][k] * b[k][j];
      d[i][j] = sum;
    }
  for (unsigned l = 0; l < kWarpSize; ++l) {
    uint32_t *w = lanes[l].mma;
    unsigned g = l / 4, t = l % 4;
    w[10] = asBits(d[g][2 * t]);
    w[11] = asBits(d[g][2 * t + 1]);
    w[12] = asBits(d[g + 8][2 * t]);
    w[13] = asBits(d[g + 8][2 * t + 1]);
  }
}

/// Runs the `count` threads of one block as fibers: each runs until it
/// waits (barrier, warp multiply) or ends; a warp whose lanes all wait at
/// a multiply gets its result; when every thread waits at the barrier,
/// all go on. Anything else (threads at different barriers, a barrier
/// that some threads have left the kernel before) would hang or be
/// undefined on the GPU: an error here.
void runBlockFibers(const Function &function, void **params,
                    const int64_t (&ids)[kIdSlots], const unsigned block[3]) {
  unsigned count = block[0] * block[1] * block[2];
  thread_local std::vector<Lane> lanes;
  lanes.resize(count);
  std::vector<char *> &stack = stacks(count);
  for (unsigned i = 0; i < count; ++i) {
    Lane &lane = lanes[i];
    std::memcpy(lane.ids, ids, sizeof ids);
    lane.ids[0] = i % block[0];
    lane.ids[1] = i / block[0] % block[1];
    lane.ids[2] = i / (block[0] * block[1]);
    lane.state = LaneState::Ready;
    makeContext(lane.context, stack[i], kStackBytes, laneMain);
  }
  BlockRun run{&function, params, &lanes, count, 0, {}, 0};
  currentBlock = &run;
  for (;;) {
    for (unsigned i = 0; i < count; ++i) {
      if (lanes[i].state != LaneState::Ready)
        continue;
      run.running = i;
      switchContext(run.scheduler, lanes[i].context);
    }
    unsigned done = 0, atBarrier = 0;
    for (const Lane &lane : lanes) {
      done += lane.state == LaneState::Done;
      atBarrier += lane.state == LaneState::AtBarrier;
    }
    if (done == count)
      break;
    bool released = false;
    for (unsigned first = 0; first < count; first += kWarpSize) {
      unsigned waiting = 0;
      for (unsigned l = first; l < std::min(count, first + kWarpSize); ++l)
        waiting += lanes[l].state == LaneState::AtMma;
      if (waiting == 0)
        continue;
      if (waiting != kWarpSize)
        fail("kernel " + function.name + ": mma.sync reached by " +
             std::to_string(waiting) + " of the 32 lanes of warp " +
             std::to_string(first / kWarpSize));
      multiplyWarp(&lanes[first]);
      for (unsigned l = first; l < first + kWarpSize; ++l)
        lanes[l].state = LaneState::Ready;
      released = true;
    }
    if (released)
      continue;
    if (atBarrier != count)
      fail("kernel " + function.name + ": a barrier reached by " +
           std::to_string(atBarrier) + " of " + std::to_string(count) +
           " threads (" + std::to_string(done) + " have returned)");
    for (Lane &lane : lanes)
      lane.state = LaneState::Ready;
    ++run.barriers;
  }
  currentBlock = nullptr;
}

/// The kernel whose launch the race check follows (one host thread runs it).
const Function *checkedKernel = nullptr;

/// The device buffer that the race check last found an address in.
uintptr_t lastBufferStart = 0, lastBufferEnd = 0;

/// "thread (x,y,z) of block (x,y,z)" of the id array `ids`.
std::string describeThread(const int64_t *ids) {
  char text[96];
  std::snprintf(text, sizeof(text),
                "thread (%lld,%lld,%lld) of block (%lld,%lld,%lld)",
                (long long)ids[0], (long long)ids[1], (long long)ids[2],
                (long long)ids[3], (long long)ids[4], (long long)ids[5]);
  return text;
}

/// Every load and store of a race-checked kernel (`%ids[15]`): `bytes` at
/// `address`, written when `writes`. Memory that is neither device nor the
/// block's shared memory would fault on a GPU.
void checkAccess(const int64_t *ids, void *address, int64_t bytes,
                 int32_t writes) {
  auto at = reinterpret_cast<uintptr_t>(address);
  auto shared = static_cast<uintptr_t>(ids[kSharedSlot]);
  bool inShared = at >= shared && at < shared + kSharedBytes;
  if (!inShared && (at < lastBufferStart || at + bytes > lastBufferEnd)) {
    lastBufferStart = allocationContaining(at);
    if (!lastBufferStart)
      fail("kernel " + checkedKernel->name + ": " + describeThread(ids) +
           (writes ? " writes" : " reads") +
           " host memory, which a GPU cannot reach");
    const Allocation &allocation = allocations().at(lastBufferStart);
    lastBufferEnd = lastBufferStart + allocation.bytes;
    // Inside the 256-byte rounding no guard page faults; on a GPU such an
    // access reads another buffer's data or garbage.
    if (at + bytes > lastBufferEnd)
      fail("kernel " + checkedKernel->name + ": " + describeThread(ids) +
           (writes ? " writes " : " reads ") + std::to_string(bytes) +
           " bytes at " + std::to_string(at - lastBufferStart) +
           " bytes into a device buffer of " +
           std::to_string(allocation.bytes) + ", past its end");
  }
  int64_t block = ids[3] + ids[9] * (ids[4] + ids[10] * ids[5]);
  int64_t thread = ids[0] + ids[6] * (ids[1] + ids[7] * ids[2]);
  uint32_t epoch = currentBlock ? currentBlock->barriers : 0;
  const char *race =
      nnc::emu::checkAccess(at, static_cast<size_t>(bytes), writes != 0,
                            {block, thread}, epoch, inShared);
  if (!race)
    return;
  char where[96];
  if (inShared)
    std::snprintf(where, sizeof(where), "shared memory + %zu",
                  static_cast<size_t>(at - shared));
  else
    std::snprintf(where, sizeof(where), "device buffer %#zx + %zu",
                  static_cast<size_t>(lastBufferStart),
                  static_cast<size_t>(at - lastBufferStart));
  fail("race in kernel " + checkedKernel->name + ": " + describeThread(ids) +
       " " + race + " " + nnc::emu::describeLastConflict() + " (" + where +
       "), with no barrier between them");
}

/// Runs every thread of every block; blocks are independent (no kernel
/// synchronizes across blocks), so they are shared among host threads
/// (but for the race check, which follows one).
void runGrid(const Function &function, const unsigned grid[3],
             const unsigned block[3], void **params) {
  size_t blocks = size_t(grid[0]) * grid[1] * grid[2];
  std::atomic<size_t> next{0};
  auto work = [&] {
    // Uninitialized, as on the GPU.
    thread_local std::vector<char> shared(kSharedBytes + 16);
    char *sharedBase = reinterpret_cast<char *>(
        (reinterpret_cast<uintptr_t>(shared.data()) + 15) & ~uintptr_t(15));
    std::memset(sharedBase, 0xA5, kSharedBytes);
    int64_t ids[kIdSlots] = {0,        0,       0,        0,
                             0,        0,       block[0], block[1],
                             block[2], grid[0], grid[1],  grid[2]};
    ids[kBarrierSlot] = reinterpret_cast<int64_t>(&barrier);
    ids[kSharedSlot] = reinterpret_cast<int64_t>(sharedBase);
    ids[kMmaSlot] = reinterpret_cast<int64_t>(&mma);
    ids[kAccessSlot] = reinterpret_cast<int64_t>(&checkAccess);
    for (size_t b = next++; b < blocks; b = next++) {
      ids[3] = b % grid[0];
      ids[4] = b / grid[0] % grid[1];
      ids[5] = b / (size_t(grid[0]) * grid[1]);
      if (function.raceChecked)
        nnc::emu::beginBlockCheck();
      if (function.synchronizes) {
        runBlockFibers(function, params, ids, block);
        continue;
      }
      for (unsigned z = 0; z < block[2]; ++z)
        for (unsigned y = 0; y < block[1]; ++y)
          for (unsigned x = 0; x < block[0]; ++x) {
            ids[0] = x;
            ids[1] = y;
            ids[2] = z;
            function.entry(params, ids);
          }
    }
  };
  if (function.raceChecked) {
    checkedKernel = &function;
    nnc::emu::beginLaunchCheck();
  }
  unsigned helpers =
      function.raceChecked
          ? 0
          : static_cast<unsigned>(std::min<size_t>(workerCount(), blocks)) - 1;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < helpers; ++i)
    threads.emplace_back(work);
  work();
  for (std::thread &thread : threads)
    thread.join();
}

} // namespace

namespace nnc::emu {

void traceLine(const std::string &line) { trace("%s\n", line.c_str()); }

void spendLaunchTime(double launches) {
  if (!skipKernels())
    return;
  // What a launch costs the host in a real driver, as NNC_EMU_LAUNCH_US
  // says (busy: the driver does not sleep either).
  static const double launchMicros = [] {
    const char *value = std::getenv("NNC_EMU_LAUNCH_US");
    return value ? std::atof(value) : 0.0;
  }();
  auto until = std::chrono::steady_clock::now() +
               std::chrono::duration<double, std::micro>(launchMicros *
                                                         launches);
  while (std::chrono::steady_clock::now() < until) {
  }
}

std::optional<std::vector<uint32_t>> parameterSizes(void *function) {
  const std::string &kinds = static_cast<Function *>(function)->argumentKinds;
  if (kinds.empty())
    return std::nullopt;
  std::vector<uint32_t> sizes;
  for (char kind : kinds) {
    if (kind != 'p' && (kind < '1' || kind > '8'))
      return std::nullopt;
    sizes.push_back(kind == 'p' ? sizeof(void *) : uint32_t(kind - '0'));
  }
  return sizes;
}

[[noreturn]] void stop(const std::string &message) { fail(message); }

bool kernelsRun() { return !skipKernels(); }

const std::string &kernelName(void *function) {
  return static_cast<Function *>(function)->name;
}

bool validLaunch(void *function, const unsigned grid[3],
                 const unsigned block[3], unsigned sharedBytes) {
  // sm_90's limits.
  return function && sharedBytes == 0 && grid[0] != 0 && grid[1] != 0 &&
         grid[2] != 0 && grid[0] <= 2147483647u && grid[1] <= 65535 &&
         grid[2] <= 65535 && block[0] != 0 && block[1] != 0 && block[2] != 0 &&
         block[0] <= 1024 && block[1] <= 1024 && block[2] <= 64 &&
         size_t(block[0]) * block[1] * block[2] <= 1024;
}

std::vector<uintptr_t> launchBuffers(void *function, void **params) {
  const Function &kernel = *static_cast<Function *>(function);
  std::vector<uintptr_t> buffers;
  for (size_t i = 0; i < kernel.argumentKinds.size(); ++i)
    if (kernel.argumentKinds[i] == 'p')
      if (uintptr_t start =
              allocationContaining(*static_cast<uintptr_t *>(params[i])))
        buffers.push_back(start);
  return buffers;
}

int launchKernel(void *function, const unsigned grid[3],
                 const unsigned block[3], unsigned sharedBytes, void *stream,
                 void **params, bool chargeHost) {
  if (!validLaunch(function, grid, block, sharedBytes))
    return kInvalidConfiguration;
  // What the kernel may read and write: the buffers its pointers point into.
  const Function &kernel = *static_cast<Function *>(function);
  ::enqueue(stream, "kernel " + kernel.name, launchBuffers(function, params),
            /*writes=*/true);
  if (skipKernels()) {
    if (chargeHost)
      spendLaunchTime(1);
    return kSuccess;
  }
  DeviceAccess access;
  auto start = std::chrono::steady_clock::now();
  runGrid(kernel, grid, block, params);
  if (traceFile())
    trace("launch\t%s\t%ux%ux%u\t%ux%ux%u\t%.1f\n", kernel.name.c_str(),
          grid[0], grid[1], grid[2], block[0], block[1], block[2],
          std::chrono::duration<double, std::micro>(
              std::chrono::steady_clock::now() - start)
              .count());
  return kSuccess;
}

} // namespace nnc::emu

extern "C" {

CUresult cuInit(unsigned) { return kSuccess; }

CUresult cuGetErrorName(CUresult result, const char **name) {
  *name = errorName(result);
  return *name ? kSuccess : kInvalidValue;
}

CUresult cuGetErrorString(CUresult result, const char **text) {
  *text = errorName(result) ? "reported by the nnc CUDA emulator" : nullptr;
  return *text ? kSuccess : kInvalidValue;
}

CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return kSuccess;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal == 0 ? kSuccess : kInvalidValue;
}

CUresult cuDeviceGetName(char *name, int length, int) {
  std::snprintf(name, length, "nnc CUDA emulator");
  return kSuccess;
}

/// The architecture the emulator stands for: NNC_EMU_SM (90 for sm_90,
/// what nnc compiles for by default; 100 for a Blackwell GPU, say).
unsigned emulatedSM() {
  static const unsigned sm = [] {
    const char *value = std::getenv("NNC_EMU_SM");
    unsigned parsed = value ? std::strtoul(value, nullptr, 10) : 0;
    return parsed >= 50 ? parsed : 90u;
  }();
  return sm;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  // Compute capability major (75) and minor (76).
  *value = attribute == 75 ? emulatedSM() / 10
           : attribute == 76 ? emulatedSM() % 10
                             : 0;
  return kSuccess;
}

CUresult cuDevicePrimaryCtxRetain(void **context, int) {
  static int primary;
  *context = &primary;
  return kSuccess;
}

CUresult cuCtxSetCurrent(void *) { return kSuccess; }
CUresult cuCtxSynchronize() {
  trace("sync\n");
  nnc::emu::finishAll();
  return kSuccess;
}
CUresult cuStreamSynchronize(void *stream) {
  trace("sync\n");
  nnc::emu::finishStream(static_cast<nnc::emu::Stream *>(stream));
  return kSuccess;
}

// Events: a mark in the stream's queued work; synchronizing on one
// finishes what was queued before it (and releases the pinned memory of
// its copies), not what came after.
CUresult cuEventCreate(void **event, unsigned) {
  *event = new nnc::emu::Mark;
  return kSuccess;
}

CUresult cuEventRecord(void *event, void *stream) {
  if (!event)
    return kInvalidValue;
  *static_cast<nnc::emu::Mark *>(event) =
      nnc::emu::markStream(static_cast<nnc::emu::Stream *>(stream));
  return kSuccess;
}

CUresult cuEventSynchronize(void *event) {
  if (!event)
    return kInvalidValue;
  trace("sync\n");
  auto *mark = static_cast<nnc::emu::Mark *>(event);
  // Never recorded: complete at once, as on the driver.
  if (mark->stream)
    nnc::emu::finishUpTo(*mark);
  return kSuccess;
}

CUresult cuEventDestroy_v2(void *event) {
  delete static_cast<nnc::emu::Mark *>(event);
  return kSuccess;
}

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  // Pages of its own, so that each allocation can be protected alone.
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t aligned = std::max<size_t>(256, (bytes + 255) / 256 * 256);
  size_t pageBytes = (aligned + page - 1) / page * page;
  void *memory = mmap(nullptr, pageBytes + page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED)
    return kOutOfMemory;
  // Garbage, as on a GPU: code must not rely on zeroed buffers.
  std::memset(memory, 0xA5, pageBytes);
  if (skipKernels())
    mprotect(static_cast<char *>(memory) + pageBytes, page, PROT_NONE);
  else
    mprotect(memory, pageBytes + page, PROT_NONE);
  uintptr_t pages = reinterpret_cast<uintptr_t>(memory);
  *pointer = pages + pageBytes - aligned;
  allocations()[*pointer] = {pages, pageBytes, bytes};
  return kSuccess;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
  auto found = allocations().find(pointer);
  if (found == allocations().end())
    return kInvalidValue;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  lastBufferStart = lastBufferEnd = 0;
  munmap(reinterpret_cast<void *>(found->second.pages),
         found->second.pageBytes + page);
  allocations().erase(found);
  return kSuccess;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr to, const void *from, size_t bytes) {
  trace("htod\t%zu\n", bytes);
  copiedSynchronously("cuMemcpyHtoD", to, 0);
  DeviceAccess access;
  std::memcpy(reinterpret_cast<void *>(to), from, bytes);
  return kSuccess;
}

CUresult cuMemcpyDtoH_v2(void *to, CUdeviceptr from, size_t bytes) {
  trace("dtoh\t%zu\n", bytes);
  copiedSynchronously("cuMemcpyDtoH", 0, from);
  DeviceAccess access;
  std::memcpy(to, reinterpret_cast<const void *>(from), bytes);
  return kSuccess;
}

// Streams and pinned memory: the emulator copies at once, in any stream,
// and keeps the source read-only until the host waits for the stream.
CUresult cuMemAllocHost_v2(void **pointer, size_t bytes) {
  *pointer = nnc::emu::allocatePinned(bytes);
  return *pointer ? kSuccess : kOutOfMemory;
}

CUresult cuStreamCreate(void **stream, unsigned flags) {
  *stream = nnc::emu::createStream(flags);
  return kSuccess;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t bytes,
                              void *stream) {
  trace("htod\t%zu\n", bytes);
  enqueue(stream, "cuMemcpyHtoDAsync", buffersOf({to}), /*writes=*/true);
  {
    DeviceAccess access;
    std::memcpy(reinterpret_cast<void *>(to), from, bytes);
  }
  nnc::emu::holdPinnedSource(static_cast<nnc::emu::Stream *>(stream), from,
                             bytes);
  return kSuccess;
}

CUresult cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t bytes,
                              void *stream) {
  trace("dtoh\t%zu\n", bytes);
  enqueue(stream, "cuMemcpyDtoHAsync", buffersOf({from}), /*writes=*/false);
  {
    DeviceAccess access;
    nnc::emu::copyToHost(to, reinterpret_cast<const void *>(from), bytes);
  }
  nnc::emu::holdPinnedDestination(static_cast<nnc::emu::Stream *>(stream), to,
                                  bytes);
  return kSuccess;
}

CUresult cuMemcpy(CUdeviceptr to, CUdeviceptr from, size_t bytes) {
  // The direction is looked up for the trace only.
  if (traceFile()) {
    bool toDevice = allocationContaining(to);
    bool fromDevice = allocationContaining(from);
    trace("%s\t%zu\n",
          toDevice ? (fromDevice ? "dtod" : "htod")
                   : (fromDevice ? "dtoh" : "htoh"),
          bytes);
  }
  copiedSynchronously("cuMemcpy", to, from);
  DeviceAccess access;
  std::memcpy(reinterpret_cast<void *>(to),
              reinterpret_cast<const void *>(from), bytes);
  return kSuccess;
}

/// A cubin (CUDA ELF image): runs on the architecture it was assembled for
/// (its e_flags name it, bits 8-15 from ABI version 8 on) and on later ones
/// of the same major version (sm_80 code on an sm_86), as on a GPU.
CUresult loadCubin(const unsigned char *elf) {
  uint16_t machine;
  uint32_t flags;
  std::memcpy(&machine, elf + 18, sizeof(machine));
  std::memcpy(&flags, elf + 48, sizeof(flags));
  unsigned sm = elf[8] >= 8 ? (flags >> 8) & 0xff : flags & 0xff;
  if (machine != /*EM_CUDA=*/190)
    return kInvalidImage;
  if (sm / 10 != emulatedSM() / 10 || sm > emulatedSM())
    return kNoBinaryForGpu;
  trace("module\tsass\tsm_%u\n", sm);
  return kSuccess;
}

/// PTX text: the driver compiles it for any GPU at least as new as its
/// `.target` (the emulator's own tests leave that line out).
CUresult loadPtx(const char *ptx) {
  if (!std::strstr(ptx, ".entry"))
    return kInvalidImage;
  const char *target = std::strstr(ptx, ".target sm_");
  if (target && std::strtoul(target + 11, nullptr, 10) > emulatedSM())
    return kInvalidPtx;
  trace("module\tptx\n");
  return kSuccess;
}

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned, int *,
                            void **) {
  // The kernels run from their host copies; the image must still be one
  // that a GPU of the emulated architecture would take.
  if (!image)
    return kInvalidImage;
  const auto *bytes = static_cast<const unsigned char *>(image);
  CUresult result = std::memcmp(bytes, "\x7f" "ELF", 4) == 0
                        ? loadCubin(bytes)
                        : loadPtx(static_cast<const char *>(image));
  if (result == kSuccess)
    *module = const_cast<void *>(image);
  return result;
}

CUresult cuModuleGetFunction(void **function, void *, const char *name) {
  std::string symbol = std::string("nnc_emu_") + name;
  void *entry = dlsym(RTLD_DEFAULT, symbol.c_str());
  bool synchronizes = false;
  if (!entry) {
    entry = dlsym(RTLD_DEFAULT, (std::string("nnc_emu_sync_") + name).c_str());
    synchronizes = entry != nullptr;
  }
  if (!entry) {
    std::fprintf(stderr,
                 "nnc CUDA emulator: no %s in the executable (was it "
                 "compiled with nnc --gpu-emulate?)\n",
                 symbol.c_str());
    return kNotFound;
  }
  // Without it (a program of its own), launches take part in no race check.
  const char *kinds = static_cast<const char *>(
      dlsym(RTLD_DEFAULT, (std::string("nnc_emu_args_") + name).c_str()));
  // Kept for the process, as the driver keeps loaded functions.
  *function = new Function{
      name, reinterpret_cast<KernelEntry>(entry), synchronizes,
      kinds ? kinds : "", dlsym(RTLD_DEFAULT, "nnc_emu_race_check") != nullptr};
  return kSuccess;
}

CUresult cuLaunchKernel(void *function, unsigned gridX, unsigned gridY,
                        unsigned gridZ, unsigned blockX, unsigned blockY,
                        unsigned blockZ, unsigned sharedBytes, void *stream,
                        void **params, void **extra) {
  const unsigned grid[3] = {gridX, gridY, gridZ};
  const unsigned block[3] = {blockX, blockY, blockZ};
  if (extra)
    return kInvalidConfiguration;
  return nnc::emu::launchKernel(function, grid, block, sharedBytes, stream,
                                params, /*chargeHost=*/true);
}

} // extern "C"
