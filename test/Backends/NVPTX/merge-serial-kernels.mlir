// RUN: nnc-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-merge-serial-kernels))' | FileCheck %s

// Three one-thread kernels (start an accumulator, combine, scale) become
// one; the constant and the host arithmetic between them move before it.
// A kernel of many threads ends the run; the one-thread kernels after it
// make a second one.
// CHECK-LABEL: func.func @runs
// CHECK: %[[H:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[S:.*]] = arith.mulf %arg2, %[[H]] : f32
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c1) step (%c1) {
// CHECK-NEXT: memref.store %{{.*}}, %arg0[]
// CHECK-NEXT: %[[A:.*]] = memref.load %arg0[]
// CHECK-NEXT: %[[B:.*]] = arith.addf %[[A]], %arg2
// CHECK-NEXT: memref.store %[[B]], %arg0[]
// CHECK-NEXT: %[[C:.*]] = memref.load %arg0[]
// CHECK-NEXT: %[[D:.*]] = arith.mulf %[[C]], %[[S]]
// CHECK-NEXT: memref.store %[[D]], %arg0[]
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c8) step (%c1) {
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c1) step (%c1) {
// CHECK-NEXT: memref.load %arg1[%c0]
// CHECK-NEXT: memref.store
// CHECK-NEXT: memref.load %arg1[%c1]
// CHECK-NEXT: memref.store
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @runs(%acc: memref<f32>, %v: memref<8xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %zero, %acc[] : memref<f32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %a = memref.load %acc[] : memref<f32>
    %b = arith.addf %a, %x : f32
    memref.store %b, %acc[] : memref<f32>
    scf.reduce
  }
  %half = arith.constant 0.5 : f32
  %s = arith.mulf %x, %half : f32
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %c = memref.load %acc[] : memref<f32>
    %d = arith.mulf %c, %s : f32
    memref.store %d, %acc[] : memref<f32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %x, %v[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %e = memref.load %v[%c0] : memref<8xf32>
    memref.store %e, %acc[] : memref<f32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %e = memref.load %v[%c1] : memref<8xf32>
    memref.store %e, %acc[] : memref<f32>
    scf.reduce
  }
  return
}

// -----

// A host operation that is not pure (a copy to the host) ends the run, and
// so does a value the host computes from it; the second loop's thread
// index becomes its lower bound.
// CHECK-LABEL: func.func @barriers
// CHECK: scf.parallel
// CHECK: gpu.memcpy
// CHECK: scf.parallel
// CHECK: memref.load %alloca
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%c1)
// CHECK-NEXT: memref.store %{{.*}}, %arg1[%[[I]]]
// CHECK-NEXT: memref.store %{{.*}}, %arg1[%c0]
func.func @barriers(%acc: memref<f32>, %v: memref<8xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %x, %acc[] : memref<f32>
    scf.reduce
  }
  %h = memref.alloca() : memref<f32>
  gpu.memcpy %h, %acc : memref<f32>, memref<f32>
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %x, %acc[] : memref<f32>
    scf.reduce
  }
  %y = memref.load %h[] : memref<f32>
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %y, %v[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %x, %v[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
