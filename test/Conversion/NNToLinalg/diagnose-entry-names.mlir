// RUN: nnc-opt %s --nn-fuse-batchnorm --nn-autodiff --nn-optimizer --nn-lower-to-linalg | FileCheck %s
// The tape's layers when BatchNorm is fused with its ReLU (the layer is the
// BatchNorm's, its pre-activation computed once more without the ReLU) and
// when residual sums name layers: add.1, add.2 (docs/diagnostics.md).

nn.model @names {
  nn.param @fc1.weight : tensor<3x4xf32> init = #nn.xavier_uniform
  nn.param @bn1.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.param @fc2.weight : tensor<3x3xf32> init = #nn.xavier_uniform
  nn.param @fc3.weight : tensor<3x3xf32> init = #nn.xavier_uniform
  nn.param @fc4.weight : tensor<2x3xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<5x4xf32>, %y: tensor<5xi32>) {
    %h = nn.dense %x, @fc1.weight : tensor<5x4xf32> -> tensor<5x3xf32>
    %n = nn.batch_norm %h, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<5x3xf32>
    %a = nn.relu %n : tensor<5x3xf32>
    %h2 = nn.dense %a, @fc2.weight : tensor<5x3xf32> -> tensor<5x3xf32>
    %r1 = nn.add %a, %h2 : tensor<5x3xf32>
    %b = nn.relu %r1 : tensor<5x3xf32>
    %h3 = nn.dense %b, @fc3.weight : tensor<5x3xf32> -> tensor<5x3xf32>
    %r2 = nn.add %b, %h3 : tensor<5x3xf32>
    %c = nn.relu %r2 : tensor<5x3xf32>
    %z = nn.dense %c, @fc4.weight : tensor<5x3xf32> -> tensor<5x2xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<5x2xf32>, tensor<5xi32> -> tensor<f32>
    nn.return %z, %l : tensor<5x2xf32>, tensor<f32>
  }
}

// CHECK: @nnc_manifest("{{.*}}\0Atape_size 100\0Alayer bn1 relu - 0 15 5,3\0Alayer add.1 relu - 30 45 5,3\0Alayer add.2 relu - 60 75 5,3\0Alayer fc4 output fc4.weight 90 -1 5,2\0A
// CHECK-LABEL: func.func @nnc_diagnose(
