// Gradient check of nn.layer_norm through the per-sample mean and variance:
// over [C, H, W] after a convolution (γ and β drawn at random, so every
// element has its own scale) and over the features after a dense layer.
// The compiled float32 gradient against float64 central finite differences
// of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv.weight [
// CHECK: ok{{ +}}ln1.weight [
// CHECK: ok{{ +}}ln1.bias [
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}ln2.weight [
// CHECK: ok{{ +}}ln2.bias [
// CHECK: ok{{ +}}fc2.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_ln {
  nn.param @conv.weight : tensor<3x2x2x2xf32> init = #nn.kaiming_uniform
  nn.param @ln1.weight : tensor<3x3x3xf32> init = #nn.xavier_uniform
  nn.param @ln1.bias : tensor<3x3x3xf32> init = #nn.xavier_uniform
  nn.param @fc1.weight : tensor<5x27xf32> init = #nn.xavier_uniform
  nn.param @ln2.weight : tensor<5xf32> init = #nn.constant<1.3>
  nn.param @ln2.bias : tensor<5xf32> init = #nn.constant<0.1>
  nn.param @fc2.weight : tensor<3x5xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<3x2x4x4xf32>, %y: tensor<3xi32>) {
    %c = nn.conv2d %x, @conv.weight : tensor<3x2x4x4xf32> -> tensor<3x3x3x3xf32>
    %n = nn.layer_norm %c, @ln1.weight, @ln1.bias : tensor<3x3x3x3xf32>
    %a = nn.tanh %n : tensor<3x3x3x3xf32>
    %f = nn.flatten %a : tensor<3x3x3x3xf32> -> tensor<3x27xf32>
    %h = nn.dense %f, @fc1.weight : tensor<3x27xf32> -> tensor<3x5xf32>
    %m = nn.layer_norm %h, @ln2.weight, @ln2.bias {epsilon = 1.0e-3 : f32} : tensor<3x5xf32>
    %s = nn.sigmoid %m : tensor<3x5xf32>
    %z = nn.dense %s, @fc2.weight : tensor<3x5xf32> -> tensor<3x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<3x3xf32>, tensor<3xi32> -> tensor<f32>
    nn.return %z, %l : tensor<3x3xf32>, tensor<f32>
  }
}
