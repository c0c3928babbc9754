//===- Main.cpp - main() of every compiled model --------------------------===//
//
// In an object of its own so that a program with its own main() (a test,
// an embedding application) can link libnnrt.a and call nnrt_main itself.
//
//===----------------------------------------------------------------------===//

#include "runtime/include/nnrt/nnrt.h"

int main(int argc, char **argv) { return nnrt_main(argc, argv); }
