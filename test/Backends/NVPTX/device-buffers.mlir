// RUN: nnc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-device-buffers))' | FileCheck %s

// Temporaries become device allocations at the top of the function, freed
// before every return; the one inside scf.if is hoisted with them.
// CHECK-LABEL: func.func @step
// CHECK-DAG:     %[[B:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-DAG:     %[[A:.*]] = gpu.alloc () : memref<128x256xf32>
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.copy ins(%arg0 : memref<128x256xf32>) outs(%[[A]] : memref<128x256xf32>)
// CHECK:         scf.if
// CHECK:           linalg.fill {{.*}} outs(%[[B]] : memref<4xf32>)
// CHECK-NOT:     memref.dealloc
// CHECK-DAG:     gpu.dealloc %[[A]] : memref<128x256xf32>
// CHECK-DAG:     gpu.dealloc %[[B]] : memref<4xf32>
// CHECK-NEXT:    return
func.func @step(%arg0: memref<128x256xf32>, %cond: i1) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<128x256xf32>
  memref.copy %arg0, %a : memref<128x256xf32> to memref<128x256xf32>
  scf.if %cond {
    %b = memref.alloc() : memref<4xf32>
    %zero = arith.constant 0.0 : f32
    linalg.fill ins(%zero : f32) outs(%b : memref<4xf32>)
    memref.dealloc %b : memref<4xf32>
  }
  memref.dealloc %a : memref<128x256xf32>
  return
}

// -----

// A temporary copied into an argument that nothing else uses, and not used
// after the copy, becomes the argument: no copy, no allocation.
// CHECK-LABEL: func.func @metrics
// CHECK-NOT:     alloc
// CHECK:         memref.store %arg0, %arg2[%{{.*}}] : memref<2xf32>
// CHECK:         memref.store %arg1, %arg2[%{{.*}}] : memref<2xf32>
// CHECK-NOT:     copy
// CHECK-NOT:     dealloc
// CHECK:         return
func.func @metrics(%loss: f32, %norm: f32, %out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = memref.alloc() : memref<2xf32>
  memref.store %loss, %t[%c0] : memref<2xf32>
  memref.store %norm, %t[%c1] : memref<2xf32>
  memref.copy %t, %out : memref<2xf32> to memref<2xf32>
  memref.dealloc %t : memref<2xf32>
  return
}

// -----

// Kept: the temporary is read after the copy, or the argument is used
// elsewhere too (read before the copy here), or the temporary has an alias
// (written after the copy here).
// CHECK-LABEL: func.func @kept
// CHECK:         linalg.copy ins(%[[T:.*]] : memref<2xf32>) outs(%arg1 : memref<2xf32>)
// CHECK:         memref.load %[[T]]
// CHECK:         memref.load %arg2
// CHECK:         linalg.copy ins(%{{.*}} : memref<2xf32>) outs(%arg2 : memref<2xf32>)
// CHECK:         linalg.copy ins(%[[V:.*]] : memref<4xf32>) outs(%arg3 : memref<4xf32>)
func.func @kept(%x: f32, %out: memref<2xf32>, %inout: memref<2xf32>,
                %out4: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %t = memref.alloc() : memref<2xf32>
  memref.store %x, %t[%c0] : memref<2xf32>
  memref.copy %t, %out : memref<2xf32> to memref<2xf32>
  %r = memref.load %t[%c0] : memref<2xf32>
  %u = memref.alloc() : memref<2xf32>
  %old = memref.load %inout[%c0] : memref<2xf32>
  memref.store %old, %u[%c0] : memref<2xf32>
  memref.copy %u, %inout : memref<2xf32> to memref<2xf32>
  %v = memref.alloc() : memref<4xf32>
  %head = memref.subview %v[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  linalg.fill ins(%x : f32) outs(%v : memref<4xf32>)
  memref.copy %v, %out4 : memref<4xf32> to memref<4xf32>
  linalg.fill ins(%x : f32) outs(%head : memref<2xf32, strided<[1]>>)
  return %r : f32
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @below {{has a dynamic shape, which the NVPTX backend does not support}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @in_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @below {{inside a loop: the NVPTX backend allocates device buffers once per call}}
    %a = memref.alloc() : memref<4xf32>
  }
  return
}
