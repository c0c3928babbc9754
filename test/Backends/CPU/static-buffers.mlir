// RUN: nnc-opt %s --allow-unregistered-dialect --nnc-cpu-static-buffers | FileCheck %s

// CHECK-DAG:   memref.global "private" @__nnc_buffer : memref<128x256xf32> = uninitialized {alignment = 64 : i64}
// CHECK-DAG:   memref.global "private" @__nnc_buffer_0 : memref<256xf32> = uninitialized
// CHECK-LABEL: func.func @step
// CHECK:       memref.get_global @__nnc_buffer{{(_0)?}} :
// CHECK:       memref.get_global @__nnc_buffer{{(_0)?}} :
// CHECK-NOT:   memref.dealloc %{{.*}} : memref<256xf32>
// A buffer allocated in a loop may be live in two iterations: it stays.
// CHECK:       scf.for
// CHECK:         memref.alloc() : memref<4xf32>
// CHECK:         memref.dealloc %{{.*}} : memref<4xf32>
// CHECK-NOT:   memref.dealloc
func.func @step(%n: index) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<128x256xf32>
  %b = memref.alloc() : memref<256xf32>
  "test.use"(%a, %b) : (memref<128x256xf32>, memref<256xf32>) -> ()
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %t = memref.alloc() : memref<4xf32>
    "test.use"(%t) : (memref<4xf32>) -> ()
    memref.dealloc %t : memref<4xf32>
  }
  memref.dealloc %b : memref<256xf32>
  memref.dealloc %a : memref<128x256xf32>
  return
}
