// Gradient check through a frozen middle layer (it passes gradients on but
// gets none): the compiled float32 gradient against float64 central finite
// differences of the compiled loss, every trained parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc3.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_frozen {
  nn.param @fc1.weight : tensor<6x5xf32> init = #nn.kaiming_normal
  nn.param @fc2.weight : tensor<6x6xf32> init = #nn.kaiming_normal frozen
  nn.param @fc2.bias : tensor<6xf32> init = #nn.constant<0.05> frozen
  nn.param @fc3.weight : tensor<3x6xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<4x5xf32>, %y: tensor<4xi32>) {
    %h1 = nn.dense %x, @fc1.weight : tensor<4x5xf32> -> tensor<4x6xf32>
    %a1 = nn.elu %h1 : tensor<4x6xf32>
    %h2 = nn.dense %a1, @fc2.weight, @fc2.bias : tensor<4x6xf32> -> tensor<4x6xf32>
    %a2 = nn.tanh %h2 : tensor<4x6xf32>
    %z = nn.dense %a2, @fc3.weight : tensor<4x6xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}
