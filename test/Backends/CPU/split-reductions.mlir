// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-split-reductions))' | FileCheck %s

// The squared norm of a 256×784 gradient: 200704 = 8·392·64 elements go
// through 8×64 partial sums (independent rows, vector lanes), which a second
// op adds into the original init with the body's combiner.

// CHECK-LABEL: func.func @sum_of_squares
// CHECK-SAME:      %[[G:.*]]: tensor<256x784xf32>, %[[INIT:.*]]: tensor<f32>
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0, 1]] : tensor<256x784xf32> into tensor<200704xf32>
// CHECK:         %[[G3:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1, 2]] output_shape [8, 392, 64]
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<8x64xf32>)
// CHECK:         %[[P:.*]] = linalg.generic
// CHECK-SAME:        iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME:        ins(%[[G3]] : tensor<8x392x64xf32>) outs(%[[FILL]] : tensor<8x64xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:         %[[S:.*]] = linalg.generic
// CHECK-SAME:        iterator_types = ["reduction", "reduction"]
// CHECK-SAME:        ins(%[[P]] : tensor<8x64xf32>) outs(%[[INIT]] : tensor<f32>)
// CHECK:         ^bb0(%[[IN:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[R:.*]] = arith.addf %[[ACC]], %[[IN]] : f32
// CHECK-NEXT:      linalg.yield %[[R]]
// CHECK:         return %[[S]]
func.func @sum_of_squares(%g: tensor<256x784xf32>, %init: tensor<f32>) -> tensor<f32> {
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>],
                       iterator_types = ["reduction", "reduction"]}
      ins(%g : tensor<256x784xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %r = arith.addf %acc, %sq : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  return %s : tensor<f32>
}

// 256 = 4·64 elements: 8 rows do not divide 4, so one row of 64 lanes; the
// maximum keeps its combiner (and its neutral element, -inf).

// CHECK-LABEL: func.func @max_one_row
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [1, 4, 64]
// CHECK:         arith.constant 0xFF800000 : f32
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x64xf32>)
// CHECK:           arith.maximumf
func.func @max_one_row(%v: tensor<256xf32>, %init: tensor<f32>) -> tensor<f32> {
  %s = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>],
                       iterator_types = ["reduction"]}
      ins(%v : tensor<256xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  return %s : tensor<f32>
}

// Left alone: a body that reads its position (the loss of a sample picks
// its label's logit), fewer than two vectors of elements, a transposed
// read, and a reduction into a vector.

// CHECK-LABEL: func.func @unchanged
// CHECK-NOT:     tensor.expand_shape
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         return
func.func @unchanged(%v: tensor<128xf32>, %w: tensor<64xf32>,
                     %m: tensor<128x128xf32>, %init: tensor<f32>,
                     %rows: tensor<128xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<128xf32>) {
  %a = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>],
                       iterator_types = ["reduction"]}
      ins(%v : tensor<128xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %x = arith.mulf %in, %f : f32
    %r = arith.addf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  %b = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>],
                       iterator_types = ["reduction"]}
      ins(%w : tensor<64xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  %c = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> ()>],
                       iterator_types = ["reduction", "reduction"]}
      ins(%m : tensor<128x128xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  %d = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%m : tensor<128x128xf32>) outs(%rows : tensor<128xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<128xf32>
  return %a, %b, %c, %d : tensor<f32>, tensor<f32>, tensor<f32>, tensor<128xf32>
}

// Per-channel statistics of an NCHW tensor: the contiguous loop (w, 28) is
// a reduction, so its elements become lanes of a [C, W] partial, combined
// into the init by a second op.

// CHECK-LABEL: func.func @per_channel
// CHECK-SAME:      %[[X:.*]]: tensor<8x16x28x28xf32>, %[[INIT:.*]]: tensor<16xf64>
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<16x28xf64>)
// CHECK:         %[[P:.*]] = linalg.generic
// CHECK-SAME:        iterator_types = ["reduction", "parallel", "reduction", "parallel"]
// CHECK-SAME:        ins(%[[X]] : tensor<8x16x28x28xf32>) outs(%[[FILL]] : tensor<16x28xf64>)
// CHECK:           arith.extf
// CHECK:         %[[S:.*]] = linalg.generic
// CHECK-SAME:        iterator_types = ["parallel", "reduction"]
// CHECK-SAME:        ins(%[[P]] : tensor<16x28xf64>) outs(%[[INIT]] : tensor<16xf64>)
// CHECK:         return %[[S]]
func.func @per_channel(%x: tensor<8x16x28x28xf32>, %init: tensor<16xf64>) -> tensor<16xf64> {
  %s = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                                        affine_map<(n, c, h, w) -> (c)>],
                       iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<8x16x28x28xf32>) outs(%init : tensor<16xf64>) {
  ^bb0(%in: f32, %acc: f64):
    %e = arith.extf %in : f32 to f64
    %r = arith.addf %acc, %e : f64
    linalg.yield %r : f64
  } -> tensor<16xf64>
  return %s : tensor<16xf64>
}

// Σx and Σx² in one pass (fused BatchNorm statistics): both outputs get
// lane-wise partials in one generic, then each is combined on its own.

// CHECK-LABEL: func.func @per_channel_two_sums
// CHECK:         %[[P:.*]]:2 = linalg.generic
// CHECK-SAME:        iterator_types = ["reduction", "parallel", "reduction", "parallel"]
// CHECK-SAME:        outs(%{{.*}}, %{{.*}} : tensor<16x28xf64>, tensor<16x28xf64>)
// CHECK:         %[[S:.*]] = linalg.generic {{.*}} ins(%[[P]]#0 : tensor<16x28xf64>)
// CHECK:         %[[Q:.*]] = linalg.generic {{.*}} ins(%[[P]]#1 : tensor<16x28xf64>)
// CHECK:         return %[[S]], %[[Q]]
func.func @per_channel_two_sums(%x: tensor<8x16x28x28xf32>, %init: tensor<16xf64>)
    -> (tensor<16xf64>, tensor<16xf64>) {
  %s:2 = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                                          affine_map<(n, c, h, w) -> (c)>,
                                          affine_map<(n, c, h, w) -> (c)>],
                         iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<8x16x28x28xf32>) outs(%init, %init : tensor<16xf64>, tensor<16xf64>) {
  ^bb0(%in: f32, %acc: f64, %acc2: f64):
    %e = arith.extf %in : f32 to f64
    %r = arith.addf %acc, %e : f64
    %sq = arith.mulf %e, %e : f64
    %r2 = arith.addf %acc2, %sq : f64
    linalg.yield %r, %r2 : f64, f64
  } -> (tensor<16xf64>, tensor<16xf64>)
  return %s#0, %s#1 : tensor<16xf64>, tensor<16xf64>
}
