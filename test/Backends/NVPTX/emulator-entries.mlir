// RUN: nnc-opt %s --nnc-nvptx-emulator-entries | FileCheck %s

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
llvm.func @nnc_emu_body_k(%ids: !llvm.ptr, %a: !llvm.ptr, %n: i64, %f: f32) {
  llvm.return
}

// Other functions get no entry.
// CHECK-NOT: llvm.func @nnc_emu_other
llvm.func @other(%a: !llvm.ptr) {
  llvm.return
}
