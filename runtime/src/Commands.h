//===- Commands.h - the subcommands of a compiled model --------*- C++ -*-===//

#ifndef NNRT_COMMANDS_H
#define NNRT_COMMANDS_H

#include "runtime/src/Session.h"

namespace nnrt {

// Each returns the process exit code; errors are thrown (Error.h).
int runTrain(Session &session);
int runEval(Session &session);
int runPredict(Session &session);
int runInfo(Session &session);
int runGradcheck(Session &session);
int runHessian(Session &session);
int runDiagnose(Session &session);

} // namespace nnrt

#endif // NNRT_COMMANDS_H
