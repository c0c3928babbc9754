// RUN: nnc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(nnc-nvptx-tile-parallel-loops))' | FileCheck %s

// 128x10 with blocks of 256: one dimension of 1280 iterations in 5 blocks;
// each thread splits its index back into row and column (the column
// fastest, so neighbouring threads store to neighbouring addresses).
// CHECK-LABEL: func.func @rows
// CHECK:         %[[C1280:.*]] = arith.constant 1280 : index
// CHECK:         %[[C256:.*]] = arith.constant 256 : index
// CHECK-NEXT:    %[[S:.*]] = arith.muli %{{.*}}, %[[C256]] : index
// CHECK-NEXT:    scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%[[C1280]]) step (%[[S]]) {
// CHECK-NEXT:      scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[S]]) step
// CHECK-NEXT:        %[[L:.*]] = arith.addi %[[T]], %[[B]] : index
// CHECK-NEXT:        %[[IJ:.*]]:2 = affine.delinearize_index %[[L]] into (128, 10)
// CHECK:             memref.store %{{.*}}, %arg0[%{{.*}}, %{{.*}}]
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

// Four dimensions (128x16x14x14): 1568 blocks of 256 threads, rather than
// blocks over the three innermost dimensions only.
// CHECK-LABEL: func.func @four_dims
// CHECK:         %[[N:.*]] = arith.constant 401408 : index
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[N]]) step
// CHECK-NEXT:      scf.parallel
// CHECK-NEXT:        arith.addi
// CHECK-NEXT:        affine.delinearize_index %{{.*}} into (128, 16, 14, 14)
// CHECK-NOT:       scf.if
func.func @four_dims(%a: memref<128x16x14x14xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c14 = arith.constant 14 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%n, %c, %h, %w) = (%c0, %c0, %c0, %c0) to (%c128, %c16, %c14, %c14) step (%c1, %c1, %c1, %c1) {
    memref.store %z, %a[%n, %c, %h, %w] : memref<128x16x14x14xf32>
    scf.reduce
  }
  return
}

// -----

// 3x100: 300 iterations, two blocks of 256, the second masked past 300.
// CHECK-LABEL: func.func @masked
// CHECK:         scf.parallel
// CHECK-NEXT:      scf.parallel
// CHECK:             %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %c300 : index
// CHECK:             scf.if
// CHECK:               affine.delinearize_index %{{.*}} into (3, 100)
func.func @masked(%a: memref<3x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c100 = arith.constant 100 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c100) step (%c1, %c1) {
    memref.store %z, %a[%i, %j] : memref<3x100xf32>
    scf.reduce
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
