// Gradient check of nn.conv2d (stride, padding, dilation, with and without bias): the compiled float32 gradient against float64
// central finite differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv1.weight [
// CHECK: ok{{ +}}conv1.bias [
// CHECK: ok{{ +}}conv2.weight [
// CHECK: ok{{ +}}fc.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_conv {
  nn.param @conv1.weight : tensor<3x2x3x3xf32> init = #nn.kaiming_uniform
  nn.param @conv1.bias : tensor<3xf32> init = #nn.constant<0.1>
  nn.param @conv2.weight : tensor<2x3x2x2xf32> init = #nn.kaiming_uniform
  nn.param @fc.weight : tensor<3x16xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x2x7x6xf32>, %y: tensor<2xi32>) {
    %c1 = nn.conv2d %x, @conv1.weight, @conv1.bias {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>}
        : tensor<2x2x7x6xf32> -> tensor<2x3x4x3xf32>
    %a1 = nn.tanh %c1 : tensor<2x3x4x3xf32>
    %c2 = nn.conv2d %a1, @conv2.weight {dilation = array<i64: 2, 1>, padding = array<i64: 1, 0>}
        : tensor<2x3x4x3xf32> -> tensor<2x2x4x2xf32>
    %f = nn.flatten %c2 : tensor<2x2x4x2xf32> -> tensor<2x16xf32>
    %z = nn.dense %f, @fc.weight : tensor<2x16xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %z, %l : tensor<2x3xf32>, tensor<f32>
  }
}
