//===- Sass.cpp - the kernels' PTX assembled by ptxas for one GPU ---------===//

#include "compiler/Backends/NVPTX/Sass.h"

#include "runtime/include/nnrt/nnrt.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nnc;

/// A new temporary file's path (the file exists, empty).
static Expected<std::string> temporaryFile(StringRef suffix) {
  SmallString<128> path;
  int fd;
  if (std::error_code ec =
          sys::fs::createTemporaryFile("nnc-kernels", suffix, fd, path))
    return createStringError(ec, "cannot create a temporary ." + suffix +
                                     " file: " + ec.message());
  sys::Process::SafelyCloseFileDescriptor(fd);
  return std::string(path);
}

Expected<std::unique_ptr<SassAssembly>>
SassAssembly::start(StringRef ptxas, StringRef ptx, StringRef arch) {
  std::unique_ptr<SassAssembly> assembly(new SassAssembly());
  // The runtime hashes the embedded text up to its NUL.
  ptx = ptx.take_until([](char c) { return c == '\0'; });
  assembly->hash = nnrt_hash_ptx(ptx.data(), ptx.size());
  for (auto [file, suffix] : {std::pair{&assembly->ptxFile, "ptx"},
                              {&assembly->cubinFile, "cubin"},
                              {&assembly->logFile, "log"}}) {
    Expected<std::string> path = temporaryFile(suffix);
    if (!path)
      return path.takeError();
    *file = *path;
  }
  std::error_code ec;
  {
    raw_fd_ostream os(assembly->ptxFile, ec);
    if (!ec) {
      os << ptx;
      os.close();
      // Taken, so that the stream's destructor does not abort on it.
      ec = os.error();
      os.clear_error();
    }
  }
  if (ec)
    return createStringError(ec, "cannot write " + assembly->ptxFile + ": " +
                                     ec.message());
  std::string archFlag = ("-arch=" + arch).str();
  SmallVector<StringRef> args = {ptxas,    archFlag, "-O3", assembly->ptxFile,
                                 "-o",     assembly->cubinFile};
  std::optional<StringRef> redirects[] = {std::nullopt,
                                          StringRef(assembly->logFile),
                                          StringRef(assembly->logFile)};
  std::string message;
  bool failed = false;
  assembly->process = sys::ExecuteNoWait(ptxas, args, std::nullopt, redirects,
                                         /*MemoryLimit=*/0, &message, &failed);
  if (failed)
    return createStringError("cannot run " + ptxas + ": " + message);
  assembly->running = true;
  return std::move(assembly);
}

Expected<std::unique_ptr<MemoryBuffer>> SassAssembly::finish() {
  std::string message;
  sys::ProcessInfo done = sys::Wait(process, std::nullopt, &message);
  running = false;
  if (done.ReturnCode != 0) {
    // ptxas names the kernel and the PTX line it rejects, or the option;
    // a crash leaves only the reason Wait gives.
    ErrorOr<std::unique_ptr<MemoryBuffer>> log =
        MemoryBuffer::getFile(logFile);
    StringRef text = log ? (*log)->getBuffer().trim() : StringRef();
    if (text.empty())
      text = message.empty() ? StringRef("no message") : StringRef(message);
    return createStringError("ptxas failed on the kernels' PTX (exit " +
                             std::to_string(done.ReturnCode) + "): " + text);
  }
  ErrorOr<std::unique_ptr<MemoryBuffer>> cubin =
      MemoryBuffer::getFile(cubinFile, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!cubin)
    return createStringError(cubin.getError(),
                             "cannot read ptxas's output " + cubinFile);
  return std::move(*cubin);
}

SassAssembly::~SassAssembly() {
  if (running)
    sys::Wait(process, std::nullopt);
  for (const std::string &file : {ptxFile, cubinFile, logFile})
    if (!file.empty())
      sys::fs::remove(file);
}

std::unique_ptr<Module> nnc::createSassModule(const MemoryBuffer &cubin,
                                              uint64_t ptxHash,
                                              LLVMContext &context,
                                              const TargetMachine &machine) {
  auto module = std::make_unique<Module>("nnc_sass", context);
  module->setTargetTriple(machine.getTargetTriple());
  module->setDataLayout(machine.createDataLayout());
  auto define = [&](StringRef name, Constant *value) {
    auto *global =
        new GlobalVariable(*module, value->getType(), /*isConstant=*/true,
                           GlobalValue::ExternalLinkage, value, name);
    // The driver reads the ELF image's 8-byte fields in place.
    global->setAlignment(Align(8));
  };
  StringRef bytes = cubin.getBuffer();
  define("nnc_sass_image", ConstantDataArray::getRaw(bytes, bytes.size(),
                                                     Type::getInt8Ty(context)));
  Type *i64 = Type::getInt64Ty(context);
  define("nnc_sass_image_bytes", ConstantInt::get(i64, bytes.size()));
  define("nnc_sass_ptx_hash", ConstantInt::get(i64, ptxHash));
  return module;
}
