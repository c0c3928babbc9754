// The CUDA emulator's graphs (tools/cuda-emulator/Graphs.cpp), driven
// directly: nodes copy their parameters when added or set, set parameters
// reach the next launch, a configuration the GPU rejects is refused when
// the node is added, and two nodes that no dependency orders, on the same
// buffer, stop the launch as a race. The one kernel, "add", is this
// program's own: *p += v for (int *p, int v) (nnc_emu_args_add "p4").
#include "emulator_api.h"

#include <stdio.h>
#include <string.h>

void nnc_emu_add(void **params, const int64_t *ids) {
  (void)ids;
  int *p = *(int **)params[0];
  *p += *(int *)params[1];
}
const char nnc_emu_args_add[] = "p4";

// cuda.h's CUDA_KERNEL_NODE_PARAMS_v2.
struct NodeParams {
  void *func;
  unsigned grid[3], block[3], shared;
  void **params, **extra;
  void *kern, *ctx;
};

int main(int argc, char **argv) {
  const char *scenario = argc > 2 ? argv[2] : "";
  struct Emulator cuda;
  uint64_t buffer = 0;
  void *module = NULL, *add = NULL;
  if (!openEmulator(argv[1], &cuda) || cuda.alloc(&buffer, 64) ||
      cuda.loadModule(&module, ".entry add", 0, NULL, NULL) ||
      cuda.getFunction(&add, module, "add"))
    return 2;
  void *library = dlopen(argv[1], RTLD_NOW);
  int (*create)(void **, unsigned) =
      (int (*)(void **, unsigned))dlsym(library, "cuGraphCreate");
  int (*addNode)(void **, void *, void *const *, size_t,
                 const struct NodeParams *) =
      (int (*)(void **, void *, void *const *, size_t,
               const struct NodeParams *))dlsym(library,
                                                "cuGraphAddKernelNode_v2");
  int (*instantiate)(void **, void *, unsigned long long) =
      (int (*)(void **, void *, unsigned long long))dlsym(
          library, "cuGraphInstantiateWithFlags");
  int (*setParams)(void *, void *, const struct NodeParams *) =
      (int (*)(void *, void *, const struct NodeParams *))dlsym(
          library, "cuGraphExecKernelNodeSetParams_v2");
  int (*launch)(void *, void *) =
      (int (*)(void *, void *))dlsym(library, "cuGraphLaunch");
  int (*toHost)(void *, uint64_t, size_t) =
      (int (*)(void *, uint64_t, size_t))dlsym(library, "cuMemcpyDtoH_v2");
  if (!create || !addNode || !instantiate || !setParams || !launch || !toHost)
    return 2;

  int zero = 0;
  cuda.copy(buffer, &zero, sizeof zero);
  void *graph = NULL, *first = NULL, *second = NULL, *instance = NULL;
  int value = 1;
  void *params[] = {&buffer, &value};
  struct NodeParams node = {add, {1, 1, 1}, {1, 1, 1}, 0, params, NULL,
                            NULL, NULL};
  if (create(&graph, 0) || addNode(&first, graph, NULL, 0, &node))
    return 3;
  value = 2;
  if (!strcmp(scenario, "bad-config")) {
    node.block[0] = 2048;
    printf("add a node of 2048 threads: %s\n",
           addNode(&second, graph, &first, 1, &node) ? "refused" : "accepted");
    return 0;
  }
  int unordered = !strcmp(scenario, "unordered");
  if (addNode(&second, graph, unordered ? NULL : &first, unordered ? 0 : 1,
              &node) ||
      instantiate(&instance, graph, 0))
    return 3;
  // Changed after the node was added: not the node's.
  value = 100;
  if (launch(instance, NULL))
    return 4;
  int result = 0;
  toHost(&result, buffer, sizeof result);
  printf("after one launch: %d\n", result);
  value = 5;
  if (setParams(instance, second, &node) || launch(instance, NULL))
    return 4;
  toHost(&result, buffer, sizeof result);
  printf("after the second node was set to 5: %d\n", result);
  return 0;
}
