// RUN: nnc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-tile-parallel-loops))' | FileCheck %s

// 128x10 with blocks of 256: the innermost dimension whole (10), then 25
// rows, masked past row 128.
// CHECK-LABEL: func.func @rows
// CHECK:         %[[C25:.*]] = arith.constant 25 : index
// CHECK-NEXT:    %[[C10:.*]] = arith.constant 10 : index
// CHECK-NEXT:    %[[S0:.*]] = arith.muli %{{.*}}, %[[C25]] : index
// CHECK-NEXT:    %[[S1:.*]] = arith.muli %{{.*}}, %[[C10]] : index
// CHECK-NEXT:    scf.parallel (%{{.*}}, %{{.*}}) = ({{.*}}) to ({{.*}}) step (%[[S0]], %[[S1]]) {
// CHECK:           scf.parallel (%{{.*}}, %{{.*}}) = ({{.*}}) to (%[[S0]], %[[S1]]) step
// CHECK:             scf.if
// CHECK:               memref.store
func.func @rows(%out: memref<128x10xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c10) step (%c1, %c1) {
    memref.store %zero, %out[%i, %j] : memref<128x10xf32>
  }
  return
}

// -----

// A long 1-D loop: blocks of 256 threads; the loop nested inside a tile is
// not tiled again.
// CHECK-LABEL: func.func @vector
// CHECK:         %[[C256:.*]] = arith.constant 256 : index
// CHECK-NEXT:    %[[S:.*]] = arith.muli %{{.*}}, %[[C256]] : index
// CHECK-NEXT:    scf.parallel (%{{.*}}) = ({{.*}}) to ({{.*}}) step (%[[S]]) {
// CHECK:           scf.parallel (%{{.*}}) = ({{.*}}) to (%[[S]]) step
// CHECK-NOT:       scf.parallel
func.func @vector(%out: memref<200704xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 200704 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %out[%i] : memref<200704xf32>
  }
  return
}

// -----

func.func @dynamic(%out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @below {{has a dynamic trip count, which the NVPTX backend does not support}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %out[%i] : memref<?xf32>
  }
  return
}
