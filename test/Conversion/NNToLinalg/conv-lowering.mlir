// RUN: nnc-opt %s --nn-autodiff --nn-optimizer --nn-lower-to-linalg | FileCheck %s
// A stride-1 convolution with rows of at least 8 outputs is one direct
// generic: out[n,o,y,x] += w[c,i,j,o] · in[n,c,y+i·d,x+j·d], weight first and
// channels last. Followed by a BatchNorm (c1) it is summed from zero and the
// bias added to the finished sum; otherwise (c2) the sum starts from the
// bias. Its input gradient is the same kind of generic over the padded
// output gradient. A strided convolution keeps the im2col GEMM; the weight
// gradient is a GEMM over the patches of the input.

nn.model @conv {
  nn.param @c1.weight : tensor<4x2x3x3xf32> init = #nn.kaiming_normal
  nn.param @c1.bias : tensor<4xf32> init = #nn.zeros
  nn.param @bn.weight : tensor<4xf32> init = #nn.ones
  nn.param @bn.bias : tensor<4xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<4xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<4xf32> init = #nn.ones buffer
  nn.param @c2.weight : tensor<4x4x3x3xf32> init = #nn.kaiming_normal
  nn.param @c2.bias : tensor<4xf32> init = #nn.zeros
  nn.param @c3.weight : tensor<2x4x3x3xf32> init = #nn.kaiming_normal
  nn.param @fc.weight : tensor<3x40xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x2x8x12xf32>, %y: tensor<2xi32>) {
    %c = nn.conv2d %x, @c1.weight, @c1.bias {padding = array<i64: 1, 1>, dilation = array<i64: 1, 2>} : tensor<2x2x8x12xf32> -> tensor<2x4x8x10xf32>
    %b = nn.batch_norm %c, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<2x4x8x10xf32>
    %r = nn.relu %b : tensor<2x4x8x10xf32>
    %d = nn.conv2d %r, @c2.weight, @c2.bias {padding = array<i64: 1, 1>} : tensor<2x4x8x10xf32> -> tensor<2x4x8x10xf32>
    %s = nn.conv2d %d, @c3.weight {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<2x4x8x10xf32> -> tensor<2x2x4x5xf32>
    %f = nn.flatten %s : tensor<2x2x4x5xf32> -> tensor<2x40xf32>
    %z = nn.dense %f, @fc.weight : tensor<2x40xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %z, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// CHECK-DAG: #[[WLAST:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d0, d1, d2)>
// CHECK-DAG: #[[WTAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d1)>
// CHECK-DAG: #[[DILATED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6 * 2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[WINDOW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
// CHECK-DAG: #[[STRIDED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 * 2 + d4, d2 * 2 + d5)>

// CHECK-LABEL: func.func @nnc_train_step
// c1 (a BatchNorm follows): from zero, weight channels last, then the bias.
// CHECK:       %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x8x10xf32>)
// CHECK:       %[[W1:.*]] = linalg.generic {indexing_maps = [#[[WLAST]], {{.*}}]} ins(%{{.*}} : tensor<4x2x3x3xf32>) outs(%{{.*}} : tensor<2x3x3x4xf32>)
// CHECK:       %[[C1:.*]] = linalg.generic {indexing_maps = [#[[WTAP]], #[[DILATED]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[W1]], %{{.*}} : tensor<2x3x3x4xf32>, tensor<2x2x10x14xf32>) outs(%[[ZERO]] : tensor<2x4x8x10xf32>)
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:       linalg.generic {indexing_maps = [#{{.*}}, #[[CHANNEL]], #{{.*}}]{{.*}} ins(%[[C1]], %{{.*}} : tensor<2x4x8x10xf32>, tensor<4xf32>)
// CHECK:         arith.addf
// c2: direct, starting from its bias; c3 (stride 2): im2col and a GEMM.
// CHECK:       %[[B2:.*]] = linalg.generic {indexing_maps = [#[[CHANNEL]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<2x4x8x10xf32>)
// CHECK:       linalg.generic {indexing_maps = [#[[WTAP]], #[[WINDOW]], #[[OUT]]]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x3x3x4xf32>, tensor<2x4x10x12xf32>) outs(%[[B2]] : tensor<2x4x8x10xf32>)
// CHECK:       linalg.generic {indexing_maps = [#[[STRIDED]], {{.*}}]{{.*}} ins(%{{.*}} : tensor<2x4x10x12xf32>) outs(%{{.*}} : tensor<2x4x5x4x3x3xf32>)
// CHECK:       linalg.matmul {{.*}} ins(%{{.*}}, %{{.*}} : tensor<40x36xf32>, tensor<2x36xf32>)
// The input gradients of c3 (its output gradient spread out by the stride)
// and c2 (that of c1 is not needed) are direct convolutions of the padded
// output gradient with the flipped weight.
// CHECK:       linalg.generic {indexing_maps = [#[[WTAP]], #[[WINDOW]], #[[OUT]]]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x3x3x4xf32>, tensor<2x2x10x12xf32>) outs(%{{.*}} : tensor<2x4x8x10xf32>)
// CHECK:       linalg.generic {indexing_maps = [#[[WTAP]], #[[WINDOW]], #[[OUT]]]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x3x3x4xf32>, tensor<2x4x10x12xf32>) outs(%{{.*}} : tensor<2x4x8x10xf32>)
// CHECK-LABEL: func.func @nnc_predict
