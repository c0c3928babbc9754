//===- nnc.cpp - compile an nn model into an executable -------------------===//

#include "compiler/Driver/Driver.h"

int main(int argc, char **argv) { return nnc::nncMain(argc, argv); }
