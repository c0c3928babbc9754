//===- Error.h - errors that end the program with a message ----*- C++ -*-===//
//
// Every failure in the runtime is thrown as an Error and caught once, in the
// driver, which prints "error: <subject>: <what>" and exits with the error's
// code. Nothing in the runtime calls exit() or abort() on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_ERROR_H
#define NNRT_ERROR_H

#include <stdexcept>
#include <string>

namespace nnrt {

/// Exit codes of a compiled model.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

class Error : public std::runtime_error {
public:
  /// `subject` is what the message is about: a file, a tensor, an option.
  Error(const std::string &subject, const std::string &what,
        int code = ExitFailure)
      : std::runtime_error(subject.empty() ? what : subject + ": " + what),
        code(code) {}
  int exitCode() const { return code; }

private:
  int code;
};

/// A mistake on the command line (exit code 2).
class UsageError : public Error {
public:
  UsageError(const std::string &subject, const std::string &what)
      : Error(subject, what, ExitUsage) {}
};

} // namespace nnrt

#endif // NNRT_ERROR_H
