// Gradient check of nn.add (a residual connection: gradients of a value
// with two uses are summed): the compiled float32 gradient against float64
// central finite differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc1.bias [
// CHECK: ok{{ +}}fc2.weight [
// CHECK: ok{{ +}}out.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_add {
  nn.param @fc1.weight : tensor<5x5xf32> init = #nn.kaiming_uniform
  nn.param @fc1.bias : tensor<5xf32> init = #nn.constant<-0.1>
  nn.param @fc2.weight : tensor<5x5xf32> init = #nn.kaiming_uniform
  nn.param @out.weight : tensor<3x5xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<4x5xf32>, %y: tensor<4xi32>) {
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<4x5xf32> -> tensor<4x5xf32>
    %a = nn.tanh %h : tensor<4x5xf32>
    %b = nn.dense %a, @fc2.weight : tensor<4x5xf32> -> tensor<4x5xf32>
    %r = nn.add %b, %h : tensor<4x5xf32>
    %z = nn.dense %r, @out.weight : tensor<4x5xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}
