// RUN: nnc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(nnc-cpu-lower-vectors))' | FileCheck %s

// The register tile's contraction becomes one FMA per row of the tile, on
// 32-lane vectors, with A's element broadcast.

// CHECK-LABEL: func.func @contract
// CHECK-COUNT-8: vector.fma {{.*}} : vector<32xf32>
// CHECK-NOT:   vector.contract
func.func @contract(%a: vector<8x1xf32>, %b: vector<1x32xf32>,
                    %c: vector<8x32xf32>) -> vector<8x32xf32> {
  %r = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                         affine_map<(m, n, k) -> (k, n)>,
                                         affine_map<(m, n, k) -> (m, n)>],
                        iterator_types = ["parallel", "parallel", "reduction"],
                        kind = #vector.kind<add>} %a, %b, %c
      : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
  return %r : vector<8x32xf32>
}

// A 16x16 block transpose lowers to shuffles, not to 256 scalar moves.

// CHECK-LABEL: func.func @transpose
// CHECK:       vector.shuffle
// CHECK-NOT:   vector.transpose
func.func @transpose(%m: memref<16x16xf32>, %o: memref<16x16xf32>) {
  %c0 = arith.constant 0 : index
  %p = arith.constant 0.0 : f32
  %v = vector.transfer_read %m[%c0, %c0], %p {in_bounds = [true, true]}
      : memref<16x16xf32>, vector<16x16xf32>
  %t = vector.transpose %v, [1, 0] : vector<16x16xf32> to vector<16x16xf32>
  vector.transfer_write %t, %o[%c0, %c0] {in_bounds = [true, true]}
      : vector<16x16xf32>, memref<16x16xf32>
  return
}

// -----

// A read whose elements the contraction uses one by one is loaded where the
// read is, before the store into the same memory that follows it (loads at
// each use saw the stored values).
// CHECK-LABEL: func.func @read_before_store
// CHECK-NOT:   vector.store
// CHECK:       vector.load
// CHECK:       vector.store
// CHECK-NOT:   memref.load
// CHECK-NOT:   vector.load
// CHECK:       return
func.func @read_before_store(%m: memref<3x1xf32>, %b: vector<1x2xf32>,
                             %c: vector<3x2xf32>, %v: vector<3x1xf32>)
    -> vector<3x2xf32> {
  %c0 = arith.constant 0 : index
  %f0 = arith.constant 0.0 : f32
  %a = vector.transfer_read %m[%c0, %c0], %f0 {in_bounds = [true, true]}
      : memref<3x1xf32>, vector<3x1xf32>
  vector.transfer_write %v, %m[%c0, %c0] {in_bounds = [true, true]}
      : vector<3x1xf32>, memref<3x1xf32>
  %r = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                         affine_map<(m, n, k) -> (k, n)>,
                                         affine_map<(m, n, k) -> (m, n)>],
                        iterator_types = ["parallel", "parallel", "reduction"],
                        kind = #vector.kind<add>} %a, %b, %c
      : vector<3x1xf32>, vector<1x2xf32> into vector<3x2xf32>
  return %r : vector<3x2xf32>
}

// -----

// A 0-d read of a strided view: a scalar load where the read is.
// CHECK-LABEL: func.func @zero_d_strided
// CHECK:       %[[L:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<2x2xf32, strided<[4, 2]>>
// CHECK:       memref.store
// CHECK:       return %[[L]]
func.func @zero_d_strided(%m: memref<2x2xf32, strided<[4, 2]>>, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %f0 = arith.constant 0.0 : f32
  %a = vector.transfer_read %m[%c0, %c0], %f0 : memref<2x2xf32, strided<[4, 2]>>, vector<f32>
  memref.store %x, %m[%c0, %c0] : memref<2x2xf32, strided<[4, 2]>>
  %e = vector.extract %a[] : f32 from vector<f32>
  return %e : f32
}
