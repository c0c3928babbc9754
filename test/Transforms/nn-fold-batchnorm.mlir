// RUN: nnc-opt %s --split-input-file --nn-autodiff --nn-optimizer --nn-fold-batchnorm | FileCheck %s
// RUN: nnc-opt %s --split-input-file --nn-fuse-batchnorm --nn-autodiff --nn-optimizer --nn-fold-batchnorm | FileCheck %s --check-prefix=FUSED

// A dense with a bias, then BatchNorm: folded in @predict only.
// CHECK-LABEL: nn.model @dense
// CHECK-LABEL: func.func @predict
// CHECK: %[[W:.*]] = nn.read_param @fc.weight : tensor<3x2xf32>
// CHECK: %[[B:.*]] = nn.read_param @fc.bias : tensor<3xf32>
// CHECK: %[[FW:.*]], %[[FB:.*]] = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %[[W]], %[[B]] {epsilon = 1.000000e-03 : f32} : tensor<3x2xf32>, tensor<3xf32>
// CHECK: %[[H:.*]] = nn.dense %{{.*}}, %[[FW]] : tensor<4x2xf32>, tensor<3x2xf32> -> tensor<4x3xf32>
// CHECK: %[[Y:.*]] = nn.bias_add %[[H]], %[[FB]] : tensor<4x3xf32>, tensor<3xf32>
// CHECK: %[[A:.*]] = nn.relu %[[Y]]
// CHECK: return %[[A]]
// CHECK-LABEL: func.func @loss
// CHECK: nn.batch_norm {{.*}}training
// CHECK-LABEL: func.func @gradient
// CHECK: nn.batch_norm {{.*}}training
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: nn.batch_norm_fold
// CHECK: nn.dense %{{.*}}, @fc.weight, @fc.bias
// CHECK: nn.batch_norm {{.*}}training
// FUSED-LABEL: nn.model @dense
// FUSED-LABEL: func.func @predict
// FUSED: nn.batch_norm_fold
// FUSED: %[[H:.*]] = nn.dense
// FUSED: %[[A:.*]] = nn.bias_add %[[H]], %{{.*}} then relu : tensor<4x3xf32>, tensor<3xf32>
// FUSED-NOT: nn.relu
// FUSED: return %[[A]]
// FUSED-LABEL: func.func @train_step
// FUSED: nn.batch_norm_act {{.*}} then relu {epsilon = 1.000000e-03 : f32, training}
nn.model @dense {
  nn.param @fc.weight : tensor<3x2xf32> init = #nn.kaiming_normal
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.forward(%x: tensor<4x2xf32>, %y: tensor<4xi32>) {
    %h = nn.dense %x, @fc.weight, @fc.bias : tensor<4x2xf32> -> tensor<4x3xf32>
    %n = nn.batch_norm %h, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var {epsilon = 1.0e-3 : f32} : tensor<4x3xf32>
    %a = nn.relu %n : tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %a, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %a, %l : tensor<4x3xf32>, tensor<f32>
  }
}

// -----

// A conv2d without a bias folds with b = 0, keeping its attributes.
// CHECK-LABEL: nn.model @conv
// CHECK-LABEL: func.func @predict
// CHECK: %[[W:.*]] = nn.read_param @conv.weight : tensor<2x1x3x3xf32>
// CHECK: %[[FW:.*]], %[[FB:.*]] = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %[[W]] {epsilon = 9.99999974E-6 : f32} : tensor<2x1x3x3xf32>, tensor<2xf32>
// CHECK: %[[C:.*]] = nn.conv2d %{{.*}}, %[[FW]] {padding = array<i64: 1, 1>} : tensor<4x1x5x5xf32>, tensor<2x1x3x3xf32> -> tensor<4x2x5x5xf32>
// CHECK: nn.bias_add %[[C]], %[[FB]]
// CHECK-NOT: nn.batch_norm
// CHECK-LABEL: func.func @loss
// FUSED-LABEL: nn.model @conv
// FUSED-LABEL: func.func @predict
// FUSED: nn.conv2d
// FUSED: nn.bias_add
// FUSED-NOT: nn.batch_norm
// FUSED-LABEL: func.func @loss
nn.model @conv {
  nn.param @conv.weight : tensor<2x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @bn.weight : tensor<2xf32> init = #nn.ones
  nn.param @bn.bias : tensor<2xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<2xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<2xf32> init = #nn.ones buffer
  nn.param @fc.weight : tensor<3x50xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<4x1x5x5xf32>, %y: tensor<4xi32>) {
    %c = nn.conv2d %x, @conv.weight {padding = array<i64: 1, 1>} : tensor<4x1x5x5xf32> -> tensor<4x2x5x5xf32>
    %n = nn.batch_norm %c, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x2x5x5xf32>
    %f = nn.flatten %n : tensor<4x2x5x5xf32> -> tensor<4x50xf32>
    %z = nn.dense %f, @fc.weight : tensor<4x50xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}

// -----

// Left alone: a weight-normalized layer (its normalization would undo the
// scaling), a layer output with another user, a BatchNorm after an
// activation.
// CHECK-LABEL: nn.model @kept
// CHECK-LABEL: func.func @predict
// CHECK-NOT: nn.batch_norm_fold
// CHECK-NOT: nn.bias_add
// CHECK: nn.weight_norm
// CHECK: nn.batch_norm %{{.*}}, @bn1.weight
// CHECK: nn.batch_norm %{{.*}}, @bn2.weight
// CHECK: nn.relu
// CHECK: nn.batch_norm %{{.*}}, @bn3.weight
// CHECK-LABEL: func.func @loss
// FUSED-LABEL: nn.model @kept
// FUSED-LABEL: func.func @predict
// FUSED-NOT: nn.batch_norm_fold
// FUSED: nn.batch_norm_act %{{.*}}, @bn1.weight
// FUSED: nn.batch_norm_act %{{.*}}, @bn2.weight
// FUSED: nn.batch_norm_act %{{.*}}, @bn3.weight
// FUSED-LABEL: func.func @loss
nn.model @kept {
  nn.param @fc1.weight_g : tensor<3x1xf32> init = #nn.ones
  nn.param @fc1.weight_v : tensor<3x2xf32> init = #nn.kaiming_normal
  nn.param @bn1.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.param @fc2.weight : tensor<3x3xf32> init = #nn.kaiming_normal
  nn.param @bn2.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn2.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn2.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn2.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.param @bn3.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn3.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn3.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn3.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.forward(%x: tensor<4x2xf32>, %y: tensor<4xi32>) {
    %w = nn.weight_norm @fc1.weight_g, @fc1.weight_v : tensor<3x2xf32>
    %h1 = nn.dense %x, %w : tensor<4x2xf32>, tensor<3x2xf32> -> tensor<4x3xf32>
    %n1 = nn.batch_norm %h1, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<4x3xf32>
    %h2 = nn.dense %n1, @fc2.weight : tensor<4x3xf32> -> tensor<4x3xf32>
    %n2 = nn.batch_norm %h2, @bn2.weight, @bn2.bias, @bn2.running_mean, @bn2.running_var : tensor<4x3xf32>
    %r = nn.add %n2, %h2 : tensor<4x3xf32>
    %a = nn.relu %r : tensor<4x3xf32>
    %n3 = nn.batch_norm %a, @bn3.weight, @bn3.bias, @bn3.running_mean, @bn3.running_var : tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %n3, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %n3, %l : tensor<4x3xf32>, tensor<f32>
  }
}
