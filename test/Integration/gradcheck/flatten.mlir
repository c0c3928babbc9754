// Gradient check of nn.flatten: the compiled float32 gradient against float64
// central finite differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc1.bias [
// CHECK: ok{{ +}}fc2.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_flatten {
  nn.param @fc1.weight : tensor<4x18xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<4xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<3x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<4x2x3x3xf32>, %y: tensor<4xi32>) {
    %f = nn.flatten %x : tensor<4x2x3x3xf32> -> tensor<4x18xf32>
    %h = nn.dense %f, @fc1.weight, @fc1.bias : tensor<4x18xf32> -> tensor<4x4xf32>
    %a = nn.sigmoid %h : tensor<4x4xf32>
    %z = nn.dense %a, @fc2.weight : tensor<4x4xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}
