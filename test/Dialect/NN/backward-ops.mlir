// RUN: nnc-opt %s | nnc-opt | FileCheck %s
// Round trip of the ops that nn-autodiff and nn-optimizer create.

nn.model @m {
  nn.param @fc.weight : tensor<4x3xf32> init = #nn.xavier_uniform
  nn.param @fc.bias : tensor<4xf32> init = #nn.zeros
  // CHECK-LABEL: func.func @train_step
  func.func @train_step(%x: tensor<2x3xf32>, %y: tensor<2xi32>, %dy: tensor<2x4xf32>,
                        %s: tensor<2x2x3xf32>, %dl: tensor<f32>, %lr: f32,
                        %noise: f32, %seed: i64, %step: i64) -> tensor<f32> {
    // CHECK: nn.read_param @fc.weight : tensor<4x3xf32>
    %w = nn.read_param @fc.weight : tensor<4x3xf32>
    // CHECK: nn.matmul %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
    %dx = nn.matmul %dy, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
    // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_lhs} : tensor<2x4xf32>, tensor<2x3xf32> -> tensor<4x3xf32>
    %dw = nn.matmul %dy, %x {transpose_lhs} : tensor<2x4xf32>, tensor<2x3xf32> -> tensor<4x3xf32>
    // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
    %z = nn.matmul %x, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
    // CHECK: nn.reduce_sum %{{.*}} {dims = array<i64: 0>} : tensor<2x4xf32> -> tensor<4xf32>
    %db = nn.reduce_sum %dy {dims = array<i64: 0>} : tensor<2x4xf32> -> tensor<4xf32>
    // CHECK: nn.reshape %{{.*}} : tensor<2x3xf32> -> tensor<6xf32>
    %r = nn.reshape %dx : tensor<2x3xf32> -> tensor<6xf32>
    // CHECK: nn.activation_grad relu %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4xf32>
    %g = nn.activation_grad relu %z, %z, %dy : tensor<2x4xf32>
    // CHECK: nn.activation_grad elu %{{.*}}, %{{.*}}, %{{.*}} {alpha = 1.000000e+00 : f32} : tensor<2x4xf32>
    %g2 = nn.activation_grad elu %z, %z, %dy {alpha = 1.0 : f32} : tensor<2x4xf32>
    // CHECK: nn.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<2xi32>, tensor<f32> -> tensor<2x4xf32>
    %dz = nn.softmax_cross_entropy_grad %z, %y, %dl : tensor<2x4xf32>, tensor<2xi32>, tensor<f32> -> tensor<2x4xf32>
    // CHECK: nn.mse_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<f32>
    %dm = nn.mse_grad %z, %dy, %dl : tensor<2x4xf32>, tensor<f32>
    // CHECK: nn.global_norm %{{.*}}, %{{.*}} {params = [@fc.weight, @fc.bias]} : tensor<4x3xf32>, tensor<4xf32> -> tensor<f32>
    %n = nn.global_norm %dw, %db {params = [@fc.weight, @fc.bias]} : tensor<4x3xf32>, tensor<4xf32> -> tensor<f32>
    %one = arith.constant 1.0 : f32
    // CHECK: nn.sgd_update @fc.weight, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {stream = 0 : i64} : tensor<4x3xf32>
    nn.sgd_update @fc.weight, %dw, %one, %lr, %noise, %seed, %step {stream = 0 : i64} : tensor<4x3xf32>
    return %n : tensor<f32>
  }
}
