//===- Launch.h - the emulator's kernel launch, for its graphs --*- C++ -*-===//
//
// What CudaEmulator.cpp's cuLaunchKernel does, for Graphs.cpp: a graph's
// nodes are launched the same way, one after another.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CUDA_EMULATOR_LAUNCH_H
#define NNC_CUDA_EMULATOR_LAUNCH_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnc::emu {

/// False with NNC_EMU_SKIP_KERNELS (launches are queued, not run).
bool kernelsRun();

/// Whether a launch of `function` with this configuration is one that
/// sm_90 accepts.
bool validLaunch(void *function, const unsigned grid[3],
                 const unsigned block[3], unsigned sharedBytes);

/// The device buffers that a launch's pointer parameters point into.
std::vector<uintptr_t> launchBuffers(void *function, void **params);

const std::string &kernelName(void *function);

/// Prints "nnc CUDA emulator: <message>" and ends the process (status 70),
/// as every error the emulator finds in the program it runs does.
[[noreturn]] void stop(const std::string &message);

/// Checks the configuration, queues the launch on `stream` and runs the
/// kernel (unless NNC_EMU_SKIP_KERNELS); with `chargeHost`, also spends the
/// host time of a launch (NNC_EMU_LAUNCH_US, when kernels are skipped).
/// Returns a CUresult.
int launchKernel(void *function, const unsigned grid[3],
                 const unsigned block[3], unsigned sharedBytes, void *stream,
                 void **params, bool chargeHost);

/// Busy for NNC_EMU_LAUNCH_US times `launches` when kernels are skipped, as
/// a driver's calls are: the host time that bench/gpu_profile.py --host
/// measures.
void spendLaunchTime(double launches);

/// The bytes of each parameter of a function of cuModuleGetFunction (from
/// the compiler's nnc_emu_args_<kernel>), or nullopt when it does not say.
std::optional<std::vector<uint32_t>> parameterSizes(void *function);

/// Appends `line` and a newline to NNC_EMU_TRACE's file, if there is one.
void traceLine(const std::string &line);

} // namespace nnc::emu

#endif // NNC_CUDA_EMULATOR_LAUNCH_H
