// Gradient check of nn.elu (alpha 0.7): the compiled float32 gradient against float64
// central finite differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc1.bias [
// CHECK: ok{{ +}}fc2.weight [
// CHECK: ok{{ +}}fc2.bias [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_elu {
  nn.param @fc1.weight : tensor<6x5xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<6xf32> init = #nn.constant<0.1>
  nn.param @fc2.weight : tensor<3x6xf32> init = #nn.xavier_uniform
  nn.param @fc2.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<4x5xf32>, %y: tensor<4xi32>) {
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<4x5xf32> -> tensor<4x6xf32>
    %a = nn.elu %h {alpha = 0.7 : f32} : tensor<4x6xf32>
    %z = nn.dense %a, @fc2.weight, @fc2.bias : tensor<4x6xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}
