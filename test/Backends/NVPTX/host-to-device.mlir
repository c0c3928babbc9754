// RUN: nnc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-host-to-device))' | FileCheck %s

// CHECK-LABEL: func.func @scalars
// A load whose value the host needs: one thread copies it into a device
// scalar, which gpu.memcpy brings to the host.
// CHECK:         %[[D:.*]] = gpu.alloc () : memref<f32>
// CHECK:         scf.parallel (%{{.*}}) = (%[[C0:.*]]) to (%[[C1:.*]]) step (%[[C1]]) {
// CHECK-NEXT:      %[[V:.*]] = memref.load %arg0[%{{.*}}] : memref<3xf32>
// CHECK-NEXT:      memref.store %[[V]], %[[D]][] : memref<f32>
// CHECK:         %[[H:.*]] = memref.alloca() : memref<f32>
// CHECK-NEXT:    gpu.memcpy %[[H]], %[[D]] : memref<f32>, memref<f32>
// CHECK-NEXT:    %[[LR:.*]] = memref.load %[[H]][] : memref<f32>
// CHECK-NEXT:    gpu.dealloc %[[D]] : memref<f32>
// A serial loop nest (a reduction to a scalar) runs whole on one thread.
// CHECK:         scf.parallel
// CHECK-NEXT:      scf.for
// A store of a host value: the value becomes a kernel argument.
// CHECK:         scf.if
// CHECK:           scf.parallel
// CHECK-NEXT:        memref.store %[[LR]], %arg1[] : memref<f32>
// Loops that are already parallel are left alone.
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT:      memref.load %arg2
func.func @scalars(%arg0: memref<3xf32>, %arg1: memref<f32>, %arg2: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %lr = memref.load %arg0[%c0] : memref<3xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %arg2[%i] : memref<8xf32>
    %s = memref.load %arg1[] : memref<f32>
    %t = arith.addf %s, %x : f32
    memref.store %t, %arg1[] : memref<f32>
  }
  %zero = arith.constant 0.0 : f32
  %positive = arith.cmpf ogt, %lr, %zero : f32
  scf.if %positive {
    memref.store %lr, %arg1[] : memref<f32>
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %arg2[%i] : memref<8xf32>
    %y = arith.mulf %x, %lr : f32
    memref.store %y, %arg2[%i] : memref<8xf32>
  }
  return
}

// -----

func.func @yields(%arg0: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @below {{yields values: the NVPTX backend cannot run this loop on one GPU thread}}
  %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    %x = memref.load %arg0[%i] : memref<8xf32>
    %t = arith.addf %acc, %x : f32
    scf.yield %t : f32
  }
  return %sum : f32
}
