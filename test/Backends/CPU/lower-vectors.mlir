// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-lower-vectors))' | FileCheck %s

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
