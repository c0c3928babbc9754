// RUN: nnc-opt %s --nn-autodiff | FileCheck %s

// A two-layer network: the gradient of the first layer's input is never
// computed (x needs none), the frozen layer gets no weight gradient, and the
// ReLU's rule reads both its input and its output.
nn.model @two_layer {
  nn.param @fc1.weight : tensor<5x4xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<5xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<3x5xf32> init = #nn.xavier_uniform frozen
  nn.param @fc2.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2xi32>) {
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<2x4xf32> -> tensor<2x5xf32>
    %a = nn.relu %h : tensor<2x5xf32>
    %z = nn.dense %a, @fc2.weight, @fc2.bias : tensor<2x5xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %z, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// CHECK-NOT: nn.forward
// CHECK-LABEL: func.func @predict(%{{.*}}: tensor<2x4xf32>) -> tensor<2x3xf32>
// CHECK-NOT: softmax_cross_entropy
// CHECK: return
// CHECK-LABEL: func.func @loss(%{{.*}}: tensor<2x4xf32>, %{{.*}}: tensor<2xi32>) -> tensor<f32>
// CHECK: nn.softmax_cross_entropy
// CHECK-LABEL: func.func @gradient(
// CHECK-SAME: %[[X:.*]]: tensor<2x4xf32>, %[[Y:.*]]: tensor<2xi32>)
// CHECK-SAME: -> (tensor<f32>, tensor<2x3xf32>, tensor<5x4xf32>, tensor<5xf32>, tensor<3xf32>)
// CHECK-SAME: attributes {nn.params = [@fc1.weight, @fc1.bias, @fc2.bias]}
// CHECK: %[[H:.*]] = nn.dense %[[X]], @fc1.weight, @fc1.bias
// CHECK: %[[A:.*]] = nn.relu %[[H]]
// CHECK: %[[Z:.*]] = nn.dense %[[A]], @fc2.weight, @fc2.bias
// CHECK: %[[L:.*]] = nn.softmax_cross_entropy %[[Z]], %[[Y]]
// CHECK: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[DZ:.*]] = nn.softmax_cross_entropy_grad %[[Z]], %[[Y]], %[[ONE]]
// CHECK: %[[W2:.*]] = nn.read_param @fc2.weight
// CHECK: %[[DA:.*]] = nn.matmul %[[DZ]], %[[W2]] : tensor<2x3xf32>, tensor<3x5xf32> -> tensor<2x5xf32>
// CHECK-NOT: nn.matmul %[[DZ]], %[[A]] {transpose_lhs}
// CHECK: %[[DB2:.*]] = nn.reduce_sum %[[DZ]] {dims = array<i64: 0>}
// CHECK: %[[DH:.*]] = nn.activation_grad relu %[[H]], %[[A]], %[[DA]]
// CHECK-NOT: nn.read_param @fc1.weight
// CHECK: %[[DW1:.*]] = nn.matmul %[[DH]], %[[X]] {transpose_lhs} : tensor<2x5xf32>, tensor<2x4xf32> -> tensor<5x4xf32>
// CHECK: %[[DB1:.*]] = nn.reduce_sum %[[DH]] {dims = array<i64: 0>}
// CHECK: return %[[L]], %[[Z]], %[[DW1]], %[[DB1]], %[[DB2]]

// -----

// A residual connection: the gradient of %h, used twice, is summed.
// RUN: nnc-opt %s --split-input-file --nn-autodiff | FileCheck %s --check-prefix=RES
nn.model @residual {
  nn.param @fc.weight : tensor<4x4xf32> init = #nn.kaiming_normal
  nn.param @out.weight : tensor<2x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<3x4xf32>, %y: tensor<3xi32>) {
    %h = nn.dense %x, @fc.weight : tensor<3x4xf32> -> tensor<3x4xf32>
    %t = nn.tanh %h : tensor<3x4xf32>
    %r = nn.add %t, %h : tensor<3x4xf32>
    %z = nn.dense %r, @out.weight : tensor<3x4xf32> -> tensor<3x2xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<3x2xf32>, tensor<3xi32> -> tensor<f32>
    nn.return %z, %l : tensor<3x2xf32>, tensor<f32>
  }
}
// RES-LABEL: func.func @gradient
// RES: %[[DR:.*]] = nn.matmul %{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<2x4xf32> -> tensor<3x4xf32>
// RES: %[[DH1:.*]] = nn.activation_grad tanh %{{.*}}, %{{.*}}, %[[DR]]
// RES: %[[SUM:.*]] = nn.add %[[DR]], %[[DH1]] : tensor<3x4xf32>
// RES: nn.matmul %[[SUM]], %{{.*}} {transpose_lhs}
