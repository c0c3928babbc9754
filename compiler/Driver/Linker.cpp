//===- Linker.cpp - link a compiled model with libnnrt --------------------===//

#include "compiler/Driver/Linker.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace llvm;

/// What libnnrt needs from the system, after the archive on the link line.
static constexpr StringLiteral kRuntimeSystemLibraries[] = {"-lz", "-lm",
                                                            "-lpthread"};

/// C++ compiler drivers to link with, best first: clang matches the LLVM
/// that emitted the object.
static constexpr StringLiteral kLinkerDrivers[] = {"clang++-22", "clang++",
                                                   "c++"};

std::string nnc::getDefaultRuntimeLibrary(const char *argv0) {
  // Any function of this binary serves as the address to locate it.
  std::string exe = sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&getDefaultRuntimeLibrary));
  SmallString<256> path(sys::path::parent_path(sys::path::parent_path(exe)));
  sys::path::append(path, "lib", "libnnrt.a");
  return std::string(path);
}

bool nnc::linkExecutable(ArrayRef<std::string> objectFiles,
                         StringRef runtimeLib, StringRef outputFile,
                         std::string &error, bool exportSymbols) {
  if (!sys::fs::exists(runtimeLib)) {
    error = ("runtime library '" + runtimeLib +
             "' not found (set its path with --runtime-lib=)")
                .str();
    return false;
  }
  std::string driver;
  for (StringRef name : kLinkerDrivers) {
    if (ErrorOr<std::string> path = sys::findProgramByName(name)) {
      driver = *path;
      break;
    }
  }
  if (driver.empty()) {
    error = "no C++ compiler driver (clang++ or c++) found on PATH to link "
            "the executable";
    return false;
  }

  SmallVector<StringRef> args = {driver};
  if (sys::findProgramByName("ld.lld"))
    args.push_back("-fuse-ld=lld");
  if (exportSymbols)
    args.push_back("-rdynamic");
  args.append(objectFiles.begin(), objectFiles.end());
  args.push_back(runtimeLib);
  args.append(std::begin(kRuntimeSystemLibraries),
              std::end(kRuntimeSystemLibraries));
  args.append({"-o", outputFile});
  std::string message;
  int status = sys::ExecuteAndWait(driver, args, /*Env=*/std::nullopt,
                                   /*Redirects=*/{}, /*SecondsToWait=*/0,
                                   /*MemoryLimit=*/0, &message);
  if (status != 0) {
    error = "linking with " + driver + " failed" +
            (message.empty() ? "" : ": " + message);
    return false;
  }
  return true;
}
