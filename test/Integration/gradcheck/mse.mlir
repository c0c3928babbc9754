// Gradient check of nn.mse and nn.dense without bias: the compiled float32
// gradient against float64
// central finite differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc2.weight [
// CHECK: ok{{ +}}fc2.bias [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_mse {
  nn.param @fc1.weight : tensor<4x5xf32> init = #nn.xavier_normal
  nn.param @fc2.weight : tensor<2x4xf32> init = #nn.xavier_normal
  nn.param @fc2.bias : tensor<2xf32> init = #nn.constant<0.3>
  nn.forward(%x: tensor<3x5xf32>, %t: tensor<3x2xf32>) {
    %h = nn.dense %x, @fc1.weight : tensor<3x5xf32> -> tensor<3x4xf32>
    %a = nn.tanh %h : tensor<3x4xf32>
    %p = nn.dense %a, @fc2.weight, @fc2.bias : tensor<3x4xf32> -> tensor<3x2xf32>
    %l = nn.mse %p, %t : tensor<3x2xf32> -> tensor<f32>
    nn.return %p, %l : tensor<3x2xf32>, tensor<f32>
  }
}
