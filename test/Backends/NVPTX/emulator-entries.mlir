// RUN: nnc-opt %s --nnc-nvptx-emulator-entries --split-input-file --verify-diagnostics | FileCheck %s

// The entry point of an emulated kernel loads each argument through the
// pointer that cuLaunchKernel's parameter array holds for it, and passes
// the id array on.
// CHECK-LABEL: llvm.func @nnc_emu_k(
// CHECK-SAME: %[[PARAMS:.*]]: !llvm.ptr, %[[IDS:.*]]: !llvm.ptr)
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[PARAMS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[A:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[PARAMS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[N:.*]] = llvm.load %[[P1]] : !llvm.ptr -> i64
// CHECK: %[[S2:.*]] = llvm.getelementptr %[[PARAMS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P2:.*]] = llvm.load %[[S2]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[F:.*]] = llvm.load %[[P2]] : !llvm.ptr -> f32
// CHECK: llvm.call @nnc_emu_body_k(%[[IDS]], %[[A]], %[[N]], %[[F]])
// CHECK: llvm.return
// Which parameters are pointers (for the emulator's race check) and the
// bytes of the others (what a graph node copies): i64 8, f32 4.
// CHECK: llvm.mlir.global external constant @nnc_emu_args_k("p84\00")
llvm.func @nnc_emu_body_k(%ids: !llvm.ptr, %a: !llvm.ptr, %n: i64, %f: f32) {
  llvm.return
}

// Other functions get no entry.
// CHECK-NOT: llvm.func @nnc_emu_other
llvm.func @other(%a: !llvm.ptr) {
  llvm.return
}

// -----

// A kernel whose threads synchronize: its entry is nnc_emu_sync_<kernel>;
// its shared buffers (the body's last arguments) start at the block's shared
// memory (id slot 13), each 16-byte aligned.
// CHECK-LABEL: llvm.func @nnc_emu_sync_s(
// CHECK-SAME: %[[PARAMS:.*]]: !llvm.ptr, %[[IDS:.*]]: !llvm.ptr)
// CHECK: %[[P:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[A:.*]] = llvm.load %[[P]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[IDS]][13] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[WORD:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> i64
// CHECK: %[[BASE:.*]] = llvm.inttoptr %[[WORD]] : i64 to !llvm.ptr
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[BASE]][0] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[BASE]][48] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: llvm.call @nnc_emu_body_s(%[[IDS]], %[[A]], %[[S0]], %[[S1]])
// The shared buffers are no parameters.
// CHECK: llvm.mlir.global external constant @nnc_emu_args_s("p\00")
// CHECK-NOT: llvm.func @nnc_emu_s(
llvm.func @nnc_emu_body_s(%ids: !llvm.ptr, %a: !llvm.ptr, %s0: !llvm.ptr, %s1: !llvm.ptr)
    attributes {nnc.emu_shared = array<i64: 36, 100>, nnc.emu_sync} {
  llvm.return
}

// -----

// expected-error @+1 {{needs 50000 bytes of shared memory, more than the 49152 a block has}}
llvm.func @nnc_emu_body_big(%ids: !llvm.ptr, %s0: !llvm.ptr)
    attributes {nnc.emu_shared = array<i64: 50000>, nnc.emu_sync} {
  llvm.return
}
