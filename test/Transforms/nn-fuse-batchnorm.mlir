// RUN: nnc-opt %s --split-input-file --nn-fuse-batchnorm | FileCheck %s
// RUN: nnc-opt %s --split-input-file --nn-fuse-batchnorm --nn-autodiff --nn-optimizer | FileCheck %s --check-prefix=AD

// BatchNorm + ReLU becomes one op; its gradient is one op; the running
// statistics are updated from the same single-pass statistics.
// CHECK-LABEL: nn.model @relu
// CHECK: %[[H:.*]] = nn.dense
// CHECK-NEXT: %[[A:.*]] = nn.batch_norm_act %[[H]], @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then relu {epsilon = 1.000000e-03 : f32} : tensor<4x3xf32>
// CHECK-NEXT: nn.softmax_cross_entropy %[[A]]
// CHECK-NOT: nn.batch_norm %
// CHECK-NOT: nn.relu
// AD-LABEL: nn.model @relu
// AD: func.func @predict
// AD: nn.batch_norm_act {{.*}} then relu {epsilon = 1.000000e-03 : f32} :
// AD: func.func @train_step
// AD: %[[A:.*]] = nn.batch_norm_act %[[H:.*]], @bn.weight, {{.*}} then relu {epsilon = 1.000000e-03 : f32, training}
// AD: nn.batch_norm_act_grad %[[H]], %[[A]], %{{.*}}, %{{.*}}, %{{.*}} then relu {epsilon = 1.000000e-03 : f32}
// AD-NOT: nn.activation_grad
// AD: nn.batch_norm_update_stats %[[H]], @bn.running_mean, @bn.running_var {momentum = {{.*}}, single_pass}
nn.model @relu {
  nn.param @fc.weight : tensor<3x2xf32> init = #nn.kaiming_normal
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.forward(%x: tensor<4x2xf32>, %y: tensor<4xi32>) {
    %h = nn.dense %x, @fc.weight : tensor<4x2xf32> -> tensor<4x3xf32>
    %n = nn.batch_norm %h, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var {epsilon = 1.0e-3 : f32} : tensor<4x3xf32>
    %a = nn.relu %n : tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %a, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %a, %l : tensor<4x3xf32>, tensor<f32>
  }
}

// -----

// Activations with alpha keep it; a BatchNorm whose output has two users,
// or is not followed by an activation, is fused without one.
// CHECK-LABEL: nn.model @others
// CHECK: nn.batch_norm_act %{{.*}} then leaky_relu {alpha = 2.000000e-01 : f32} : tensor<4x2x3x3xf32>
// CHECK: nn.batch_norm_act %{{.*}} then elu {alpha = 5.000000e-01 : f32} : tensor<4x2x3x3xf32>
// CHECK: %[[T:.*]] = nn.batch_norm_act %{{.*}}, @bn3.running_var : tensor<4x2x3x3xf32>
// CHECK-NEXT: nn.tanh %[[T]]
// CHECK-NEXT: nn.add %[[T]]
// CHECK: %[[S:.*]] = nn.batch_norm_act %{{.*}}, @bn4.running_var : tensor<4x2x3x3xf32>
// CHECK-NEXT: nn.flatten %[[S]]
// AD-LABEL: nn.model @others
// AD: func.func @gradient
// AD: nn.batch_norm_act_grad {{.*}} : tensor<4x2x3x3xf32>, tensor<2xf32>
// AD: nn.batch_norm_act_grad {{.*}} : tensor<4x2x3x3xf32>, tensor<2xf32>
// AD: nn.batch_norm_act_grad {{.*}} then elu {alpha = 5.000000e-01 : f32, epsilon
// AD: nn.batch_norm_act_grad {{.*}} then leaky_relu {alpha = 2.000000e-01 : f32, epsilon
nn.model @others {
  nn.param @bn1.weight : tensor<2xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<2xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<2xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<2xf32> init = #nn.ones buffer
  nn.param @bn2.weight : tensor<2xf32> init = #nn.ones
  nn.param @bn2.bias : tensor<2xf32> init = #nn.zeros
  nn.param @bn2.running_mean : tensor<2xf32> init = #nn.zeros buffer
  nn.param @bn2.running_var : tensor<2xf32> init = #nn.ones buffer
  nn.param @bn3.weight : tensor<2xf32> init = #nn.ones
  nn.param @bn3.bias : tensor<2xf32> init = #nn.zeros
  nn.param @bn3.running_mean : tensor<2xf32> init = #nn.zeros buffer
  nn.param @bn3.running_var : tensor<2xf32> init = #nn.ones buffer
  nn.param @bn4.weight : tensor<2xf32> init = #nn.ones
  nn.param @bn4.bias : tensor<2xf32> init = #nn.zeros
  nn.param @bn4.running_mean : tensor<2xf32> init = #nn.zeros buffer
  nn.param @bn4.running_var : tensor<2xf32> init = #nn.ones buffer
  nn.param @fc.weight : tensor<3x18xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<4x2x3x3xf32>, %y: tensor<4xi32>) {
    %n1 = nn.batch_norm %x, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<4x2x3x3xf32>
    %a1 = nn.leaky_relu %n1 {alpha = 0.2 : f32} : tensor<4x2x3x3xf32>
    %n2 = nn.batch_norm %a1, @bn2.weight, @bn2.bias, @bn2.running_mean, @bn2.running_var : tensor<4x2x3x3xf32>
    %a2 = nn.elu %n2 {alpha = 0.5 : f32} : tensor<4x2x3x3xf32>
    %n3 = nn.batch_norm %a2, @bn3.weight, @bn3.bias, @bn3.running_mean, @bn3.running_var : tensor<4x2x3x3xf32>
    %a3 = nn.tanh %n3 : tensor<4x2x3x3xf32>
    %r = nn.add %n3, %a3 : tensor<4x2x3x3xf32>
    %n4 = nn.batch_norm %r, @bn4.weight, @bn4.bias, @bn4.running_mean, @bn4.running_var : tensor<4x2x3x3xf32>
    %f = nn.flatten %n4 : tensor<4x2x3x3xf32> -> tensor<4x18xf32>
    %z = nn.dense %f, @fc.weight : tensor<4x18xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}
