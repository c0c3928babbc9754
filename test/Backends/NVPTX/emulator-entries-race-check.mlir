// RUN: nnc-opt %s --nnc-nvptx-emulator-entries=race-check | FileCheck %s

// With race-check, each load and store of a body first calls the emulator's
// check (the function in slot 15 of the id array) with the address, the
// bytes and whether it writes; accesses of the id array and of the body's
// own stack are not reported.
// CHECK-LABEL: llvm.func @nnc_emu_body_k(
// CHECK-SAME: %[[IDS:.*]]: !llvm.ptr, %[[A:.*]]: !llvm.ptr, %[[B:.*]]: !llvm.ptr)
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[IDS]][15] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[WORD:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> i64
// CHECK: %[[CHECK:.*]] = llvm.inttoptr %[[WORD]] : i64 to !llvm.ptr
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK-NOT: llvm.call %[[CHECK]]
// CHECK: %[[EIGHT:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK: %[[READ:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.call %[[CHECK]](%[[IDS]], %[[A]], %[[EIGHT]], %[[READ]])
// CHECK: %[[V:.*]] = llvm.load %[[A]] : !llvm.ptr -> f64
// CHECK: %[[FOUR:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK: %[[WRITE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: llvm.call %[[CHECK]](%[[IDS]], %[[B]], %[[FOUR]], %[[WRITE]])
// CHECK: llvm.store %{{.*}}, %[[B]] : f32, !llvm.ptr
// CHECK-NOT: llvm.call %[[CHECK]]
// CHECK: llvm.store %{{.*}}, %[[STACK:.*]] : f32, !llvm.ptr
// CHECK: llvm.return
llvm.func @nnc_emu_body_k(%ids: !llvm.ptr, %a: !llvm.ptr, %b: !llvm.ptr) {
  %slot = llvm.getelementptr %ids[3] : (!llvm.ptr) -> !llvm.ptr, i64
  %block = llvm.load %slot : !llvm.ptr -> i64
  %v = llvm.load %a : !llvm.ptr -> f64
  %f = llvm.fptrunc %v : f64 to f32
  llvm.store %f, %b : f32, !llvm.ptr
  %one = llvm.mlir.constant(1 : i64) : i64
  %stack = llvm.alloca %one x f32 : (i64) -> !llvm.ptr
  llvm.store %f, %stack : f32, !llvm.ptr
  llvm.return
}

// The emulator runs the blocks of race-checked kernels one after another.
// CHECK: llvm.mlir.global external constant @nnc_emu_race_check(1 : i8)
