// RUN: nnc-opt %s --nn-autodiff --nn-optimizer --nn-lower-to-linalg --cse | FileCheck %s
// A trained max pooling and its gradient build the same window-argmax generic
// on the same input: after CSE the step computes the window maxima once,
// and prediction keeps linalg pooling.

nn.model @pool {
  nn.param @conv.weight : tensor<2x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @fc.weight : tensor<3x8xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<4x1x4x4xf32>, %y: tensor<4xi32>) {
    %c = nn.conv2d %x, @conv.weight {padding = array<i64: 1, 1>} : tensor<4x1x4x4xf32> -> tensor<4x2x4x4xf32>
    %p = nn.max_pool2d %c {kernel = array<i64: 2, 2>} : tensor<4x2x4x4xf32> -> tensor<4x2x2x2xf32>
    %f = nn.flatten %p : tensor<4x2x2x2xf32> -> tensor<4x8xf32>
    %z = nn.dense %f, @fc.weight : tensor<4x8xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}

// Windows that tile the input (kernel = stride, no padding) are read
// through the view [N, C, Ho, kh, Wo, kw], with plain indexing maps.
// CHECK:         #[[PLAIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d4, d3, d5)>
// CHECK-LABEL: func.func @nnc_train_step
// CHECK-NOT:     linalg.pooling_nchw_max
// CHECK:         %[[VIEW:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3], [4, 5]] output_shape [4, 2, 2, 2, 2, 2] : tensor<4x2x4x4xf32> into tensor<4x2x2x2x2x2xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[PLAIN]], {{.*}}]{{.*}} ins(%[[VIEW]], %{{.*}} : tensor<4x2x2x2x2x2xf32>, tensor<2x2xf32>)
// CHECK:         arith.cmpf ogt, %in, %out : f32
// CHECK-NOT:     arith.cmpf ogt, %in, %out : f32
// CHECK-LABEL: func.func @nnc_predict
// CHECK:         linalg.pooling_nchw_max
