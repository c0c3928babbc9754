// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-tile-and-vectorize))' | FileCheck %s

// A plain matmul gets 8x32 register tiles over a K loop of step 1 that
// carries the accumulator in registers; N = 80 = 2*32 + 16 is peeled into a
// static 8x16 tile.

// CHECK-LABEL: func.func @nn
// CHECK:       scf.for %{{.*}} = %c0 to %c24 step %c8
// CHECK:         scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK:           %[[ACC:.*]] = vector.transfer_read {{.*}} : tensor<24x80xf32>, vector<8x32xf32>
// CHECK:           scf.for %{{.*}} = %c0 to %c40 step %c1 iter_args(%{{.*}} = %[[ACC]]) -> (vector<8x32xf32>)
// CHECK:             vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<8x32xf32>, tensor<24x80xf32>
// CHECK:         vector.contract {{.*}} : vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>
func.func @nn(%a: tensor<24x40xf32>, %b: tensor<40x80xf32>,
              %c: tensor<24x80xf32>) -> tensor<24x80xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<24x40xf32>, tensor<40x80xf32>)
                     outs(%c : tensor<24x80xf32>) -> tensor<24x80xf32>
  return %r : tensor<24x80xf32>
}

// A right operand larger than 1 MiB (K = 4096, N = 128) is walked in
// blocks of 256 rows of K, each reused by all register tiles from cache.

// CHECK-LABEL: func.func @k_blocks
// CHECK:       scf.for %{{.*}} = %c0 to %c4096 step %c256
// CHECK:         scf.for %{{.*}} = %c0 to %c16 step %c8
// CHECK:           scf.for %{{.*}} = %c0 to %c128 step %c32
// CHECK:             scf.for %{{.*}} = %c0 to %c256 step %c1 iter_args
// CHECK:               vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
func.func @k_blocks(%a: tensor<16x4096xf32>, %b: tensor<4096x128xf32>,
                    %c: tensor<16x128xf32>) -> tensor<16x128xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<16x4096xf32>, tensor<4096x128xf32>)
                     outs(%c : tensor<16x128xf32>) -> tensor<16x128xf32>
  return %r : tensor<16x128xf32>
}

// A transposed left operand (dyᵀ·x, weight gradients) vectorizes the same
// way, reading rows of A; M = 10 = 8 + 2 is peeled.

// CHECK-LABEL: func.func @tn
// CHECK:       vector.contract {{.*}} : vector<1x8xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK:       vector.contract {{.*}} : vector<1x2xf32>, vector<1x32xf32> into vector<2x32xf32>
// CHECK-NOT:   linalg.matmul
func.func @tn(%a: tensor<16x10xf32>, %b: tensor<16x64xf32>,
              %c: tensor<10x64xf32>) -> tensor<10x64xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (k, n)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<16x10xf32>, tensor<16x64xf32>)
      outs(%c : tensor<10x64xf32>) -> tensor<10x64xf32>
  return %r : tensor<10x64xf32>
}

// Elementwise ops get one 64-lane vector along the contiguous dimension (and
// a peeled 16-lane remainder: 80 = 64 + 16); fills too.

// CHECK-LABEL: func.func @elementwise
// CHECK:       scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK:         math.exp {{.*}} : vector<1x64xf32>
// CHECK:         math.exp {{.*}} : vector<1x16xf32>
func.func @elementwise(%x: tensor<4x80xf32>) -> tensor<4x80xf32> {
  %e = tensor.empty() : tensor<4x80xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x80xf32>) outs(%e : tensor<4x80xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x80xf32>
  return %r : tensor<4x80xf32>
}

// A reduction over the batch (bias gradient) is vectorized along the
// features, which are contiguous, and loops over the batch with the partial
// sums in registers.

// CHECK-LABEL: func.func @column_sum
// CHECK:       %[[INIT:.*]] = vector.transfer_read {{.*}} : tensor<64xf32>, vector<64xf32>
// CHECK:       scf.for %{{.*}} = %c0 to %c128 step %c1 iter_args(%{{.*}} = %[[INIT]]) -> (vector<64xf32>)
// CHECK:         vector.transfer_read {{.*}} : tensor<128x64xf32>, vector<64x1xf32>
// CHECK:         arith.addf {{.*}} : vector<64xf32>
func.func @column_sum(%x: tensor<128x64xf32>, %init: tensor<64xf32>) -> tensor<64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(n, b) -> (b, n)>,
                                        affine_map<(n, b) -> (n)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<128x64xf32>) outs(%init : tensor<64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// A direct convolution (a stencil) gets register blocks of 16 output
// channels × one output row of 14: its reduction loops (input channel, tap
// row, tap column) carry the block in registers, and each step is the
// [16 × 1]·[1 × 14] outer product of a weight column and an input row.

// CHECK-LABEL: func.func @stencil
// CHECK:       scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK:         scf.for %{{.*}} = %c0 to %c14 step %c1
// CHECK:           %[[BLOCK:.*]] = vector.transfer_read {{.*}} : tensor<1x32x14x14xf32>, vector<16x14xf32>
// CHECK:           scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args(%{{.*}} = %[[BLOCK]]) -> (vector<16x14xf32>)
// CHECK:             scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args
// CHECK:               scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args
// CHECK:                 vector.contract {{.*}} : vector<1x16xf32>, vector<1x14xf32> into vector<16x14xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<16x14xf32>, tensor<1x32x14x14xf32>
// CHECK-NOT:   linalg.generic
func.func @stencil(%w: tensor<16x3x3x32xf32>, %in: tensor<1x16x16x16xf32>,
                   %out: tensor<1x32x14x14xf32>) -> tensor<1x32x14x14xf32> {
  %r = linalg.generic {
      indexing_maps = [affine_map<(n, o, y, x, c, i, j) -> (c, i, j, o)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, c, y + i, x + j)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, o, y, x)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%w, %in : tensor<16x3x3x32xf32>, tensor<1x16x16x16xf32>)
      outs(%out : tensor<1x32x14x14xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x32x14x14xf32>
  return %r : tensor<1x32x14x14xf32>
}

// Rows of 28 are cut in two blocks of 14 (one vector each; 16 + 12 would
// be shuffled through the stack).

// CHECK-LABEL: func.func @wide_rows
// CHECK:       scf.for %{{.*}} = %c0 to %c28 step %c14
// CHECK:         vector.contract {{.*}} : vector<1x16xf32>, vector<1x14xf32> into vector<16x14xf32>
func.func @wide_rows(%w: tensor<1x3x3x16xf32>, %in: tensor<1x1x30x30xf32>,
                     %out: tensor<1x16x28x28xf32>) -> tensor<1x16x28x28xf32> {
  %r = linalg.generic {
      indexing_maps = [affine_map<(n, o, y, x, c, i, j) -> (c, i, j, o)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, c, y + i, x + j)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, o, y, x)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%w, %in : tensor<1x3x3x16xf32>, tensor<1x1x30x30xf32>)
      outs(%out : tensor<1x16x28x28xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16x28x28xf32>
  return %r : tensor<1x16x28x28xf32>
}

// A reduction of small 2-D windows (a max pooling with its argmax, through
// the view [N, C, Ho, kh, Wo, kw]) is vectorized along the output row, one
// window per lane, its window loops outside: the contiguous loop is the
// window's column, two elements long.

// CHECK-LABEL: func.func @windows
// CHECK:       scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK:         scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK:           arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<14xf32>
// CHECK:           arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<14xi1>, vector<14xindex>
// CHECK-NOT:   linalg.generic
func.func @windows(%in: tensor<1x2x4x2x14x2xf32>, %best: tensor<1x2x4x14xf32>,
                   %pos: tensor<1x2x4x14xindex>)
    -> (tensor<1x2x4x14xf32>, tensor<1x2x4x14xindex>) {
  %r:2 = linalg.generic {
      indexing_maps = [affine_map<(n, c, y, x, i, j) -> (n, c, y, i, x, j)>,
                       affine_map<(n, c, y, x, i, j) -> (n, c, y, x)>,
                       affine_map<(n, c, y, x, i, j) -> (n, c, y, x)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction"]}
      ins(%in : tensor<1x2x4x2x14x2xf32>)
      outs(%best, %pos : tensor<1x2x4x14xf32>, tensor<1x2x4x14xindex>) {
  ^bb0(%v: f32, %m: f32, %p: index):
    %i = linalg.index 4 : index
    %j = linalg.index 5 : index
    %c2 = arith.constant 2 : index
    %i2 = arith.muli %i, %c2 : index
    %here = arith.addi %i2, %j : index
    %gt = arith.cmpf ogt, %v, %m : f32
    %nm = arith.select %gt, %v, %m : f32
    %np = arith.select %gt, %here, %p : index
    linalg.yield %nm, %np : f32, index
  } -> (tensor<1x2x4x14xf32>, tensor<1x2x4x14xindex>)
  return %r#0, %r#1 : tensor<1x2x4x14xf32>, tensor<1x2x4x14xindex>
}
