// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-nvptx-register-tile{min-threads=1024},cse))' | FileCheck %s

// A matmul: each thread computes 4 rows of one column; the copies of the
// reduction loop are jammed, the column of B is loaded once per 4
// multiply-adds.
// CHECK-LABEL: func.func @matmul
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) = (%c0, %c0) to (%c128, %c256) step (%c4, %c1)
// CHECK-COUNT-4: memref.load %{{.*}}[%{{.*}}, %[[J]]] : memref<128x256xf32>
// CHECK: %[[R:.*]]:4 = scf.for %[[K:.*]] = {{.*}} iter_args(
// CHECK-COUNT-1: memref.load %{{.*}}[%[[K]], %[[J]]] : memref<784x256xf32>
// CHECK-NOT: memref.load %{{.*}}[%[[K]], %[[J]]] : memref<784x256xf32>
// CHECK: scf.yield
// CHECK: memref.store %[[R]]#0
// CHECK: memref.store %[[R]]#1
// CHECK: memref.store %[[R]]#2
// CHECK: memref.store %[[R]]#3
func.func @matmul(%a: memref<128x784xf32>, %b: memref<784x256xf32>, %c: memref<128x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c784 = arith.constant 784 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c1, %c1) {
    %init = memref.load %c[%i, %j] : memref<128x256xf32>
    %r = scf.for %k = %c0 to %c784 step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%i, %k] : memref<128x784xf32>
      %y = memref.load %b[%k, %j] : memref<784x256xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      scf.yield %s : f32
    }
    memref.store %r, %c[%i, %j] : memref<128x256xf32>
    scf.reduce
  }
  return
}

// Left alone: rows not divisible by 4, too few threads left, a short
// reduction, no reduction.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: step (%c4
func.func @left_alone(%a: memref<130x784xf32>, %b: memref<784x256xf32>, %c: memref<130x256xf32>, %d: memref<8x256xf32>, %e: memref<128x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c130 = arith.constant 130 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c784 = arith.constant 784 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c130, %c256) step (%c1, %c1) {
    %init = memref.load %c[%i, %j] : memref<130x256xf32>
    %r = scf.for %k = %c0 to %c784 step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%i, %k] : memref<130x784xf32>
      %s = arith.addf %acc, %x : f32
      scf.yield %s : f32
    }
    memref.store %r, %c[%i, %j] : memref<130x256xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c256) step (%c1, %c1) {
    %init = memref.load %d[%i, %j] : memref<8x256xf32>
    %r = scf.for %k = %c0 to %c784 step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%i, %k] : memref<130x784xf32>
      %s = arith.addf %acc, %x : f32
      scf.yield %s : f32
    }
    memref.store %r, %d[%i, %j] : memref<8x256xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c1, %c1) {
    %init = memref.load %e[%i, %j] : memref<128x256xf32>
    %r = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%i, %k] : memref<130x784xf32>
      %s = arith.addf %acc, %x : f32
      scf.yield %s : f32
    }
    memref.store %r, %e[%i, %j] : memref<128x256xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c1, %c1) {
    %x = memref.load %e[%i, %j] : memref<128x256xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %e[%i, %j] : memref<128x256xf32>
    scf.reduce
  }
  return
}

// A reduction loop whose bound is defined inside the parallel loop cannot be
// unrolled and jammed: left alone, no error.
// CHECK-LABEL: func.func @inner_bound
// CHECK-NOT: step (%c4
func.func @inner_bound(%a: memref<128x784xf32>, %c: memref<128x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c1, %c1) {
    %n = arith.constant 784 : index
    %init = memref.load %c[%i, %j] : memref<128x256xf32>
    %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%i, %k] : memref<128x784xf32>
      %s = arith.addf %acc, %x : f32
      scf.yield %s : f32
    }
    memref.store %r, %c[%i, %j] : memref<128x256xf32>
    scf.reduce
  }
  return
}
