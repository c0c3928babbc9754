// RUN: nnc-opt %s --nnc-nvptx-promote-accumulators | FileCheck %s

// A matmul's output element stays in a register over the reduction.
// CHECK-LABEL: func.func @matmul
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK: %[[INIT:.*]] = memref.load %[[C:.*]][%[[I]], %[[J]]]
// CHECK: %[[R:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK-NOT: memref.store
// CHECK: %[[S:.*]] = arith.addf %[[ACC]]
// CHECK: scf.yield %[[S]] : f32
// CHECK: memref.store %[[R]], %[[C]][%[[I]], %[[J]]]
func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x6xf32>, %c: memref<4x6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c6) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x8xf32>
      %y = memref.load %b[%k, %j] : memref<8x6xf32>
      %acc = memref.load %c[%i, %j] : memref<4x6xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %c[%i, %j] : memref<4x6xf32>
    }
    scf.reduce
  }
  return
}

// A nest of reduction loops carries the value through every level; two
// accumulators of one loop (sum and sum of squares) are both promoted.
// CHECK-LABEL: func.func @two_sums
// CHECK: %[[S0:.*]] = memref.load %{{.*}}[] : memref<f64>
// CHECK: %[[Q0:.*]] = memref.load %{{.*}}[] : memref<f64>
// CHECK: %[[OUTER:.*]]:2 = scf.for {{.*}} iter_args(%[[S1:.*]] = %[[S0]], %[[Q1:.*]] = %[[Q0]]) -> (f64, f64)
// CHECK: %[[INNER:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[S1]], %{{.*}} = %[[Q1]]) -> (f64, f64)
// CHECK-NOT: memref.store
// CHECK: scf.yield %[[INNER]]#0, %[[INNER]]#1
// CHECK: memref.store %[[OUTER]]#{{[01]}}
// CHECK: memref.store %[[OUTER]]#{{[01]}}
func.func @two_sums(%x: memref<4x8xf32>, %sum: memref<f64>, %sq: memref<f64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %x[%i, %j] : memref<4x8xf32>
      %w = arith.extf %v : f32 to f64
      %s = memref.load %sum[] : memref<f64>
      %s1 = arith.addf %s, %w : f64
      memref.store %s1, %sum[] : memref<f64>
      %q = memref.load %sq[] : memref<f64>
      %w2 = arith.mulf %w, %w : f64
      %q1 = arith.addf %q, %w2 : f64
      memref.store %q1, %sq[] : memref<f64>
    }
  }
  return
}

// Not promoted: the element changes with the loop (a prefix sum reads what
// the previous iteration wrote elsewhere), or the buffer is read elsewhere
// in the loop.
// CHECK-LABEL: func.func @not_invariant
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.store
func.func @not_invariant(%x: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %k = %c1 to %c8 step %c1 {
    %p = arith.subi %k, %c1 : index
    %a = memref.load %x[%p] : memref<8xf32>
    %b = memref.load %x[%k] : memref<8xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %x[%k] : memref<8xf32>
  }
  return
}

// CHECK-LABEL: func.func @other_access
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.store
func.func @other_access(%x: memref<8xf32>, %acc: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %k = %c0 to %c8 step %c1 {
    %v = memref.load %x[%k] : memref<8xf32>
    %a = memref.load %acc[%c0] : memref<2xf32>
    %b = memref.load %acc[%c1] : memref<2xf32>
    %s = arith.addf %a, %v : f32
    %t = arith.addf %s, %b : f32
    memref.store %t, %acc[%c0] : memref<2xf32>
  }
  return
}
