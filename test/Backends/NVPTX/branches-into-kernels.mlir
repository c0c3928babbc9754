// RUN: nnc-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-branches-into-kernels))' | FileCheck %s

// One kernel per region over the same space (an update with or without
// noise): one kernel that branches per thread. The pure host operation of
// the branch moves before it.
// CHECK-LABEL: func.func @same_space
// CHECK-NOT: scf.if
// CHECK: %[[R:.*]] = math.sqrt %arg3 : f32
// CHECK-NEXT: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT:   scf.if %arg2 {
// CHECK-NEXT:     %[[A:.*]] = memref.load %arg0[%[[I]]]
// CHECK-NEXT:     %[[B:.*]] = arith.addf %[[A]], %[[R]]
// CHECK-NEXT:     memref.store %[[B]], %arg0[%[[I]]]
// CHECK-NEXT:   } else {
// CHECK-NEXT:     %[[C:.*]] = memref.load %arg1[%[[I]]]
// CHECK-NEXT:     memref.store %[[C]], %arg0[%[[I]]]
// CHECK-NEXT:   }
// CHECK-NEXT:   scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @same_space(%w: memref<8xf32>, %g: memref<8xf32>, %noise: i1, %eps: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.if %noise {
    %r = math.sqrt %eps : f32
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      %a = memref.load %w[%i] : memref<8xf32>
      %b = arith.addf %a, %r : f32
      memref.store %b, %w[%i] : memref<8xf32>
      scf.reduce
    }
  } else {
    scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
      %c = memref.load %g[%j] : memref<8xf32>
      memref.store %c, %w[%j] : memref<8xf32>
      scf.reduce
    }
  }
  return
}

// -----

// Otherwise each kernel tests the condition (the else region's, its
// negation), in the order of the branch.
// CHECK-LABEL: func.func @each_kernel
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c8)
// CHECK-NEXT: scf.if %arg2 {
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c4)
// CHECK-NEXT: scf.if %arg2 {
// CHECK: %[[NOT:.*]] = arith.xori %arg2, %true
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c2)
// CHECK-NEXT: scf.if %[[NOT]] {
// CHECK-NOT: scf.if
// CHECK: return
func.func @each_kernel(%w: memref<8xf32>, %g: memref<8xf32>, %flag: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  scf.if %flag {
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      memref.store %z, %w[%i] : memref<8xf32>
      scf.reduce
    }
    scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
      memref.store %z, %g[%i] : memref<8xf32>
      scf.reduce
    }
  } else {
    scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
      memref.store %z, %g[%i] : memref<8xf32>
      scf.reduce
    }
  }
  return
}

// -----

// A branch that does more than launch kernels (a host copy, a branch with
// results, one inside a kernel) is left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK: scf.if %arg2 {
// CHECK-NEXT: gpu.memcpy
// CHECK: scf.if %arg2 -> (f32)
// CHECK: scf.parallel
// CHECK-NEXT: scf.if %arg2 {
// CHECK-NEXT: memref.store
func.func @left_alone(%w: memref<8xf32>, %g: memref<8xf32>, %flag: i1, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.if %flag {
    gpu.memcpy %w, %g : memref<8xf32>, memref<8xf32>
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      memref.store %x, %w[%i] : memref<8xf32>
      scf.reduce
    }
  }
  %y = scf.if %flag -> (f32) {
    %t = arith.mulf %x, %x : f32
    scf.yield %t : f32
  } else {
    scf.yield %x : f32
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.if %flag {
      memref.store %y, %w[%i] : memref<8xf32>
    }
    scf.reduce
  }
  return %y : f32
}
