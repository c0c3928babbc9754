// Gradient check of nn.instance_norm through each sample's per-channel
// statistics: with affine parameters after the first convolution, without
// (PyTorch's default) after the second. The compiled float32 gradient
// against float64 central finite differences of the compiled loss, every
// parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv1.weight [
// CHECK: ok{{ +}}in1.weight [
// CHECK: ok{{ +}}in1.bias [
// CHECK: ok{{ +}}conv2.weight [
// CHECK: ok{{ +}}fc.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_in {
  nn.param @conv1.weight : tensor<3x2x2x2xf32> init = #nn.kaiming_uniform
  nn.param @in1.weight : tensor<3xf32> init = #nn.constant<0.7>
  nn.param @in1.bias : tensor<3xf32> init = #nn.constant<0.3>
  nn.param @conv2.weight : tensor<2x3x2x2xf32> init = #nn.kaiming_uniform
  nn.param @fc.weight : tensor<3x8xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<3x2x4x4xf32>, %y: tensor<3xi32>) {
    %c1 = nn.conv2d %x, @conv1.weight : tensor<3x2x4x4xf32> -> tensor<3x3x3x3xf32>
    %n1 = nn.instance_norm %c1, @in1.weight, @in1.bias : tensor<3x3x3x3xf32>
    %a1 = nn.tanh %n1 : tensor<3x3x3x3xf32>
    %c2 = nn.conv2d %a1, @conv2.weight : tensor<3x3x3x3xf32> -> tensor<3x2x2x2xf32>
    %n2 = nn.instance_norm %c2 {epsilon = 1.0e-3 : f32} : tensor<3x2x2x2xf32>
    %a2 = nn.sigmoid %n2 : tensor<3x2x2x2xf32>
    %f = nn.flatten %a2 : tensor<3x2x2x2xf32> -> tensor<3x8xf32>
    %z = nn.dense %f, @fc.weight : tensor<3x8xf32> -> tensor<3x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<3x3xf32>, tensor<3xi32> -> tensor<f32>
    nn.return %z, %l : tensor<3x3xf32>, tensor<f32>
  }
}
