// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-fuse-elementwise))' | FileCheck %s

// im2col (a copy with affine maps) feeding a matmul stays apart from it: the
// matmul keeps its named form for the register tiling. The elementwise
// consumer of the matmul's result does not absorb the matmul either.

// CHECK-LABEL: func.func @im2col_matmul
// CHECK:         %[[COL:.*]] = linalg.generic
// CHECK-SAME:        ins(%{{.*}} : tensor<2x1x6x6xf32>) outs(%{{.*}} : tensor<2x4x4x1x3x3xf32>)
// CHECK:         %[[ROWS:.*]] = tensor.collapse_shape %[[COL]]
// CHECK:         %[[MM:.*]] = linalg.matmul
// CHECK-SAME:        ins(%[[ROWS]], %{{.*}} : tensor<32x9xf32>, tensor<9x8xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[MM]] : tensor<32x8xf32>)
// CHECK:           math.exp
#col = affine_map<(n, y, x, c, i, j) -> (n, c, y + i, x + j)>
#id6 = affine_map<(n, y, x, c, i, j) -> (n, y, x, c, i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
func.func @im2col_matmul(%x: tensor<2x1x6x6xf32>, %w: tensor<9x8xf32>,
                         %acc: tensor<32x8xf32>) -> tensor<32x8xf32> {
  %e = tensor.empty() : tensor<2x4x4x1x3x3xf32>
  %col = linalg.generic {indexing_maps = [#col, #id6],
                         iterator_types = ["parallel", "parallel", "parallel",
                                           "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x1x6x6xf32>) outs(%e : tensor<2x4x4x1x3x3xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<2x4x4x1x3x3xf32>
  %rows = tensor.collapse_shape %col [[0, 1, 2], [3, 4, 5]]
      : tensor<2x4x4x1x3x3xf32> into tensor<32x9xf32>
  %mm = linalg.matmul ins(%rows, %w : tensor<32x9xf32>, tensor<9x8xf32>)
                      outs(%acc : tensor<32x8xf32>) -> tensor<32x8xf32>
  %e2 = tensor.empty() : tensor<32x8xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<32x8xf32>) outs(%e2 : tensor<32x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<32x8xf32>
  return %r : tensor<32x8xf32>
}

// Elementwise chains still fuse into one generic.

// CHECK-LABEL: func.func @chain
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @chain(%x: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %e = tensor.empty() : tensor<16x32xf32>
  %a = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<16x32xf32>
  %b = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = arith.mulf %in, %in : f32
    linalg.yield %y : f32
  } -> tensor<16x32xf32>
  return %b : tensor<16x32xf32>
}

// The channels-last copy of a weight stays apart from the direct
// convolution (a stencil) that reads it: fused, the stencil would read the
// OIHW weight, and its register blocks would gather output channels.

// CHECK-LABEL: func.func @weight_into_stencil
// CHECK:         %[[WT:.*]] = linalg.generic
// CHECK-SAME:        ins(%{{.*}} : tensor<8x2x3x3xf32>) outs(%{{.*}} : tensor<2x3x3x8xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[WT]], %{{.*}} : tensor<2x3x3x8xf32>, tensor<1x2x10x10xf32>)
func.func @weight_into_stencil(%w: tensor<8x2x3x3xf32>, %x: tensor<1x2x10x10xf32>,
                               %acc: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %e = tensor.empty() : tensor<2x3x3x8xf32>
  %wt = linalg.generic {
      indexing_maps = [affine_map<(c, i, j, o) -> (o, c, i, j)>,
                       affine_map<(c, i, j, o) -> (c, i, j, o)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w : tensor<8x2x3x3xf32>) outs(%e : tensor<2x3x3x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<2x3x3x8xf32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(n, o, y, x, c, i, j) -> (c, i, j, o)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, c, y + i, x + j)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, o, y, x)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%wt, %x : tensor<2x3x3x8xf32>, tensor<1x2x10x10xf32>)
      outs(%acc : tensor<1x8x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %s: f32):
    %p = arith.mulf %a, %b : f32
    %t = arith.addf %s, %p : f32
    linalg.yield %t : f32
  } -> tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}
