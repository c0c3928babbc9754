// RUN: nnc-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-fuse-independent-kernels))' | FileCheck %s

// Updates of two tensors of the state (disjoint ranges of one buffer): one
// loop; the second part starts at 256 (a block boundary), the first is
// masked past 200, the second's indices come from the shifted index. The
// view the second kernel uses moves with it.
// CHECK-LABEL: func.func @updates
// CHECK: %[[E:.*]] = memref.expand_shape
// CHECK: %[[N:.*]] = arith.constant 356 : index
// CHECK: scf.parallel (%[[K:.*]]) = (%{{.*}}) to (%[[N]]) step
// CHECK-NEXT: %[[C256:.*]] = arith.constant 256 : index
// CHECK-NEXT: %[[LOW:.*]] = arith.cmpi ult, %[[K]], %[[C256]] : index
// CHECK-NEXT: scf.if %[[LOW]] {
// CHECK-NEXT:   arith.constant 200 : index
// CHECK-NEXT:   arith.cmpi ult, %[[K]]
// CHECK-NEXT:   scf.if
// CHECK-NEXT:     memref.load %{{.*}}[%[[K]]]
// CHECK:      } else {
// CHECK-NEXT:   %[[J:.*]] = arith.subi %[[K]], %[[C256]] : index
// CHECK-NEXT:   affine.delinearize_index %[[J]] into (10, 10)
// CHECK:        memref.store %{{.*}}, %[[E]]
// CHECK:      scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @updates(%state: memref<300xf32>, %g: memref<200xf32>, %lr: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c200 = arith.constant 200 : index
  %w1 = memref.subview %state[0] [200] [1] : memref<300xf32> to memref<200xf32, strided<[1]>>
  scf.parallel (%i) = (%c0) to (%c200) step (%c1) {
    %a = memref.load %w1[%i] : memref<200xf32, strided<[1]>>
    %b = memref.load %g[%i] : memref<200xf32>
    %c = arith.mulf %b, %lr : f32
    %d = arith.subf %a, %c : f32
    memref.store %d, %w1[%i] : memref<200xf32, strided<[1]>>
    scf.reduce
  }
  %w2 = memref.subview %state[200] [100] [1] : memref<300xf32> to memref<100xf32, strided<[1], offset: 200>>
  %e = memref.expand_shape %w2 [[0, 1]] output_shape [10, 10] : memref<100xf32, strided<[1], offset: 200>> into memref<10x10xf32, strided<[10, 1], offset: 200>>
  %c10 = arith.constant 10 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c10, %c10) step (%c1, %c1) {
    %a = memref.load %e[%i, %j] : memref<10x10xf32, strided<[10, 1], offset: 200>>
    %d = arith.subf %a, %lr : f32
    memref.store %d, %e[%i, %j] : memref<10x10xf32, strided<[10, 1], offset: 200>>
    scf.reduce
  }
  return
}

// -----

// Partial sums of two norms with the combine of the first in between: the
// second partial kernel does not read what the combine writes, so it moves
// up into the first; the combines stay after it, in order.
// CHECK-LABEL: func.func @hoisted
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c264)
// CHECK: memref.store %{{.*}}, %arg2
// CHECK: memref.store %{{.*}}, %arg3
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1)
// CHECK: memref.load %arg2
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1)
// CHECK: memref.load %arg3
func.func @hoisted(%a: memref<256xf32>, %b: memref<8xf32>, %pa: memref<256xf32>, %pb: memref<8xf32>, %out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i) = (%c0) to (%c256) step (%c1) {
    %x = memref.load %a[%i] : memref<256xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %pa[%i] : memref<256xf32>
    scf.reduce
  }
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %x = memref.load %pa[%c0] : memref<256xf32>
    memref.store %x, %out[%c0] : memref<2xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %b[%i] : memref<8xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %pb[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
    %x = memref.load %pb[%c0] : memref<8xf32>
    memref.store %x, %out[%c1] : memref<2xf32>
    scf.reduce
  }
  return
}

// -----

// Dependent kernels stay apart: the second reads what the first writes, the
// third writes what the second reads, and a write to a whole buffer
// overlaps every view of it.
// CHECK-LABEL: func.func @dependent
// CHECK-COUNT-3: scf.parallel (%{{.*}}) = (%c0) to (%c8) step (%c1)
func.func @dependent(%a: memref<8xf32>, %b: memref<8xf32>, %s: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %a[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %a[%i] : memref<8xf32>
    memref.store %x, %b[%i] : memref<8xf32>
    scf.reduce
  }
  %v = memref.subview %s[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %b[%i] : memref<8xf32>
    memref.store %x, %v[%i] : memref<8xf32, strided<[1], offset: 8>>
    memref.store %z, %a[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
