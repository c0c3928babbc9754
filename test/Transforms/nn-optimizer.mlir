// RUN: nnc-opt %s --nn-autodiff --nn-optimizer | FileCheck %s

nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_normal
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2xi32>) {
    %h = nn.dense %x, @fc.weight, @fc.bias : tensor<2x4xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %h, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %h, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// @gradient stays for gradcheck; @train_step follows it.
// CHECK: func.func @gradient
// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %{{.*}}: tensor<2x4xf32>, %{{.*}}: tensor<2xi32>, %[[LR:.*]]: f32, %[[CLIP:.*]]: f32, %[[NOISE:.*]]: f32, %[[SEED:.*]]: i64, %[[STEP:.*]]: i64)
// CHECK-SAME: -> (tensor<f32>, tensor<f32>, tensor<2x3xf32>)
// CHECK-NOT: nn.params
// CHECK: %[[DW:.*]] = nn.matmul
// CHECK: %[[DB:.*]] = nn.reduce_sum
// CHECK: %[[NORM:.*]] = nn.global_norm %[[DW]], %[[DB]] {params = [@fc.weight, @fc.bias]}
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[N:.*]] = tensor.extract %[[NORM]][]
// CHECK: %[[EPS:.*]] = arith.constant 9.99999997E-7 : f32
// CHECK: %[[DEN:.*]] = arith.addf %[[N]], %[[EPS]]
// CHECK: %[[RATIO:.*]] = arith.divf %[[CLIP]], %[[DEN]]
// CHECK: %[[MIN:.*]] = arith.minimumf %[[RATIO]], %[[ONE]]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ON:.*]] = arith.cmpf ogt, %[[CLIP]], %[[ZERO]]
// CHECK: %[[SCALE:.*]] = arith.select %[[ON]], %[[MIN]], %[[ONE]]
// CHECK: nn.sgd_update @fc.weight, %[[DW]], %[[SCALE]], %[[LR]], %[[NOISE]], %[[SEED]], %[[STEP]] {stream = 0 : i64}
// CHECK: nn.sgd_update @fc.bias, %[[DB]], %[[SCALE]], %[[LR]], %[[NOISE]], %[[SEED]], %[[STEP]] {stream = 1 : i64}
// CHECK: return %{{.*}}, %[[NORM]], %{{.*}} : tensor<f32>, tensor<f32>, tensor<2x3xf32>
