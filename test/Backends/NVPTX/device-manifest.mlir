// RUN: nnc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --nnc-nvptx-device-manifest=chip=sm_80 | FileCheck %s

// CHECK: llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel m\0Adevice cuda sm_80\0A\00")
llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel m\0A\00") {addr_space = 0 : i32}

// -----

// expected-error @below {{no nnc_manifest string: the NVPTX backend compiles the output of nn-to-linalg}}
module {
}
