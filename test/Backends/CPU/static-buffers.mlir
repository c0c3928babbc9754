// RUN: nnc-opt %s --split-input-file --allow-unregistered-dialect --nnc-cpu-static-buffers | FileCheck %s

// Two temporaries live together: a global each.
// CHECK-DAG:   memref.global "private" @__nnc_buffer{{(_0)?}} : memref<128x256xf32> = uninitialized {alignment = 64 : i64}
// CHECK-DAG:   memref.global "private" @__nnc_buffer{{(_0)?}} : memref<256xf32> = uninitialized
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

// -----

// %a is dead when %b is allocated, %c lives with %b: %a and %b share the
// bytes of the larger, %c (alive with %b through its subview, used in a
// loop) has its own.
// CHECK:       memref.global "private" @[[C:.*]] : memref<16xf32> = uninitialized
// CHECK:       memref.global "private" @[[AB:.*]] : memref<4096xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @disjoint
// CHECK:       %[[G0:.*]] = memref.get_global @[[AB]] : memref<4096xi8>
// CHECK:       %[[A:.*]] = memref.view %[[G0]][%{{.*}}][] : memref<4096xi8> to memref<32x32xf32>
// CHECK:       "test.use"(%[[A]])
// CHECK:       %[[G1:.*]] = memref.get_global @[[AB]] : memref<4096xi8>
// CHECK:       %[[B:.*]] = memref.view %[[G1]][%{{.*}}][] : memref<4096xi8> to memref<64xf32>
// CHECK:       memref.get_global @[[C]] : memref<16xf32>
func.func @disjoint(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<32x32xf32>
  "test.use"(%a) : (memref<32x32xf32>) -> ()
  %b = memref.alloc() : memref<64xf32>
  %v = memref.subview %b[0] [8] [1] : memref<64xf32> to memref<8xf32, strided<[1]>>
  %c = memref.alloc() : memref<16xf32>
  scf.for %i = %c0 to %n step %c1 {
    "test.use"(%v, %c) : (memref<8xf32, strided<[1]>>, memref<16xf32>) -> ()
  }
  return
}

// -----

// A loop that yields the buffer keeps it alive through the loop's result:
// %b may not take %a's place.
// CHECK-LABEL: func.func @yielded
// CHECK-NOT:   memref.view
// CHECK:       return
func.func @yielded(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<16xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %a) -> memref<16xf32> {
    scf.yield %t : memref<16xf32>
  }
  %b = memref.alloc() : memref<16xf32>
  "test.use"(%r, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  return
}

// -----

// Temporaries of two entry points share one global.
// CHECK-COUNT-1: memref.global
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @first
// CHECK:       memref.view
// CHECK-LABEL: func.func @second
// CHECK:       memref.view
func.func @first() {
  %a = memref.alloc() : memref<16xf32>
  "test.use"(%a) : (memref<16xf32>) -> ()
  return
}
func.func @second() {
  %a = memref.alloc() : memref<8xf32>
  "test.use"(%a) : (memref<8xf32>) -> ()
  return
}

// -----

// One calls the other: the callee's temporaries live during the call, so
// each function keeps its own.
// CHECK-COUNT-2: memref.global
// CHECK-NOT:   memref.view
func.func @callee() {
  %a = memref.alloc() : memref<16xf32>
  "test.use"(%a) : (memref<16xf32>) -> ()
  return
}
func.func @caller() {
  %a = memref.alloc() : memref<8xf32>
  "test.use"(%a) : (memref<8xf32>) -> ()
  func.call @callee() : () -> ()
  return
}

// -----

// Returned: its own global. i1 elements: its own global.
// CHECK-LABEL: func.func @escapes
// CHECK-NOT:   memref.view
// CHECK:       return
func.func @escapes() -> memref<16xf32> {
  %a = memref.alloc() : memref<16xf32>
  "test.use"(%a) : (memref<16xf32>) -> ()
  %m = memref.alloc() : memref<16xi1>
  "test.use"(%m) : (memref<16xi1>) -> ()
  %b = memref.alloc() : memref<16xf32>
  "test.use"(%b) : (memref<16xf32>) -> ()
  return %b : memref<16xf32>
}
