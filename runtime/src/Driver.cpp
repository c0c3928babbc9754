//===- Driver.cpp - the command line of a compiled model ------------------===//

#include "runtime/src/Driver.h"

#include "runtime/src/Commands.h"
#include "runtime/src/DeviceModel.h"
#include "runtime/src/Error.h"
#include "runtime/src/FileClash.h"

#include <cstdio>
#include <new>

namespace nnrt {

namespace {

using K = OptionKind;

// Options shared by several commands.
const OptionSpec kData{"data", K::DataDirectory, "DIR",
                       "data set directory: IDX or .npy files (default "
                       "/usr/share/datasets/fashion-mnist)"};
const OptionSpec kSeed{"seed", K::Count, "N",
                       "seed of initialization, shuffling and noise"};
const OptionSpec kThreads{"threads", K::Count, "N",
                          "threads of the compiled code (default: all "
                          "cores; 2 for a GPU model, which uses them for "
                          "batches only)"};
const OptionSpec kLoad{"load", K::InputFile, "FILE",
                       "checkpoint to use (default: the initial weights)"};

// Curvature (Curvature.h).
const OptionSpec kHessianIters{"hessian-iters", K::Count, "N",
                               "at most N power iterations (100)"};
const OptionSpec kHessianTol{"hessian-tol", K::Number, "X",
                             "stop power iteration at a relative change "
                             "below X (1e-4)"};
const OptionSpec kHessianProbes{"hessian-probes", K::Count, "K",
                                "Hutchinson trace with K Rademacher probes "
                                "(10; 0: no trace)"};

struct Command {
  const char *name;
  const char *summary;
  int (*run)(Session &);
  std::vector<OptionSpec> options;
};

const std::vector<Command> &commands() {
  static const std::vector<Command> table = {
      {"train",
       "train the model with SGD",
       runTrain,
       {{"epochs", K::Count, "N", "train until N epochs in total"},
        {"steps", K::Count, "N", "stop after N steps in total"},
        {"lr", K::Number, "X", "learning rate"},
        {"clip", K::Number, "X", "clip the global gradient norm to X (0: off)"},
        {"noise", K::Number, "X", "variance of the Gaussian weight noise"},
        kSeed,
        {"no-shuffle", K::Flag, nullptr, "keep the file order of the samples"},
        {"log-every", K::Count, "K", "add a metrics line every K steps"},
        {"metrics", K::OutputFile, "FILE", "write JSON Lines metrics to FILE"},
        // --resume X --save X continues a run in place: the checkpoint is
        // read whole first, and every save replaces it atomically.
        {"save", K::OutputFile, "FILE", "save a checkpoint after every epoch",
         "resume"},
        {"resume", K::InputFile, "FILE", "continue the run saved in FILE"},
        {"init-from", K::InputFile, "FILE", "start from the weights in FILE"},
        {"reinit", K::List, "A,B",
         "with --init-from: initialize these tensors afresh"},
        {"freeze", K::List, "A,B", "do not train these tensors"},
        {"hessian-every", K::Count, "N",
         "add the top Hessian eigenvalue and trace of the batch to the "
         "metrics every N steps"},
        kHessianIters,
        kHessianTol,
        kHessianProbes,
        {"init", K::Text, "KIND",
         "model (default) or lsuv: rescale the initial weights on the first "
         "batch"},
        kThreads,
        kData}},
      {"eval",
       "test loss and accuracy",
       runEval,
       {kLoad, kData, kSeed, kThreads}},
      {"predict",
       "run the network on an array of inputs",
       runPredict,
       {kLoad,
        {"input", K::InputFile, "FILE",
         "inputs: .npy (uint8 or float32) or IDX"},
        {"output", K::OutputFile, "FILE", "where to write the outputs (.npy)"},
        kSeed,
        kThreads}},
      {"info", "tensors, parameters, FLOPs and memory", runInfo, {kData}},
      {"gradcheck",
       "check gradients against finite differences",
       runGradcheck,
       {kLoad,
        kData,
        kSeed,
        {"tolerance", K::Number, "X", "largest error that passes (1e-3)"},
        {"max-elements", K::Count, "N",
         "check at most N elements per tensor (2000; 0: all)"},
        {"fd-step", K::Number, "H", "relative finite-difference step (1e-5)"},
        kThreads}},
      {"hessian",
       "top Hessian eigenvalue and trace of the loss",
       runHessian,
       {kLoad,
        kData,
        kSeed,
        {"batch-size", K::Count, "N",
         "use the first N training samples (a multiple of the batch)"},
        kHessianIters,
        kHessianTol,
        kHessianProbes,
        {"exact-trace", K::Flag, nullptr,
         "trace as the sum of e_i'He_i (one product per parameter)"},
        {"json", K::OutputFile, "FILE", "write the results as JSON to FILE"},
        {"vector", K::InputFile, "FILE",
         "instead: H·v for v in FILE (.npy, the state's layout) ..."},
        {"product", K::OutputFile, "FILE", "... written to FILE (.npy)"},
        kThreads}},
      {"diagnose",
       "signal propagation per layer on a batch (docs/diagnostics.md)",
       runDiagnose,
       {kLoad,
        kData,
        kSeed,
        {"batch-size", K::Count, "N",
         "samples: a multiple of the compiled batch (default: one batch)"},
        {"init", K::Text, "KIND",
         "model (the model's initializers) or lsuv (rescaled on the batch)"},
        kHessianIters,
        kHessianTol,
        kHessianProbes,
        {"json", K::OutputFile, "FILE", "write the report as JSON"},
        {"plot", K::OutputFile, "FILE", "plot the report as SVG"},
        {"save", K::OutputFile, "FILE", "save the weights that were diagnosed"},
        kThreads}},
  };
  return table;
}

const Command *findCommand(const std::string &name) {
  for (const Command &command : commands())
    if (name == command.name)
      return &command;
  return nullptr;
}

std::string programName(int argc, char **argv) {
  std::string path = argc > 0 && argv[0] ? argv[0] : "model";
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The files that `command` reads and writes, by the kinds of its options,
/// and its data set when it takes --data.
void checkFiles(const Command &command, const Options &options) {
  std::vector<FileUse> inputs, outputs;
  for (const OptionSpec &spec : command.options) {
    std::string option = std::string("--") + spec.name;
    std::optional<std::string> path = options.text(spec.name);
    if (spec.kind == K::InputFile && path)
      inputs.push_back({option, *path});
    if (spec.kind == K::OutputFile && path)
      outputs.push_back(
          {option, *path,
           spec.mayReplace ? std::string("--") + spec.mayReplace : ""});
    if (spec.kind == K::DataDirectory)
      for (const std::string &file : dataFiles(path.value_or(kDefaultDataDir)))
        inputs.push_back({option, file});
  }
  checkFileClashes(inputs, outputs);
}

void printUsage(std::FILE *out, const std::string &program) {
  std::fprintf(out,
               "usage: %s <command> [options]\n\n"
               "A neural network compiled by nnc. Commands:\n",
               program.c_str());
  for (const Command &command : commands())
    std::fprintf(out, "  %-10s %s\n", command.name, command.summary);
  std::fprintf(out, "\nRun '%s <command> --help' for its options.\n",
               program.c_str());
}

/// The model's hyperparameter defaults, which options override.
void printDefaults(const ModelEntryPoints &model) {
  Manifest m = parseManifest(model.manifest);
  if (m.hparams.empty())
    return;
  std::printf("\ndefaults of model %s:", m.model.c_str());
  for (const auto &[name, value] : m.hparams)
    std::printf(" %s %g", name.c_str(), value);
  std::printf("\n");
}

int dispatch(const ModelEntryPoints &model, int argc, char **argv) {
  std::string program = programName(argc, argv);
  if (argc < 2) {
    printUsage(stderr, program);
    return ExitUsage;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(stdout, program);
    return ExitOk;
  }
  const Command *command = findCommand(name);
  if (!command) {
    std::string names;
    for (const Command &candidate : commands())
      names += std::string(names.empty() ? "" : ", ") + candidate.name;
    throw UsageError(name, "unknown command; the commands are " + names);
  }
  Options options = parseOptions(
      name, command->options, std::vector<std::string>(argv + 2, argv + argc));
  if (options.has("help")) {
    std::printf("usage: %s %s [options]\n\n%s.\n\noptions:\n%s",
                program.c_str(), command->name, command->summary,
                describeOptions(command->options).c_str());
    printDefaults(model);
    return ExitOk;
  }
  checkFiles(*command, options);
  Manifest manifest = parseManifest(model.manifest);
  // Every command but info runs the network: a GPU model opens the GPU
  // first (and says so when there is none).
  bool onGpu = manifest.device == "cuda";
  const ModelEntryPoints &entryPoints =
      onGpu && command->run != runInfo ? openDeviceModel(model, manifest)
                                       : model;
  Session session{entryPoints, std::move(manifest), std::move(options)};
  applyThreads(session.options, onGpu);
  return command->run(session);
}

} // namespace

int runCommandLine(const ModelEntryPoints &model, int argc, char **argv) {
  try {
    return dispatch(model, argc, argv);
  } catch (const UsageError &e) {
    std::fflush(stdout);
    std::string help = programName(argc, argv);
    if (argc > 1 && findCommand(argv[1]))
      help += std::string(" ") + argv[1];
    std::fprintf(stderr, "error: %s\n(run '%s --help' for usage)\n", e.what(),
                 help.c_str());
    return e.exitCode();
  } catch (const Error &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.exitCode();
  } catch (const std::bad_alloc &) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: out of memory\n");
    return ExitFailure;
  } catch (const std::exception &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", e.what());
    return ExitFailure;
  }
}

} // namespace nnrt
