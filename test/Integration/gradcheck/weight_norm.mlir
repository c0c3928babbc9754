// Gradient check of nn.weight_norm (w = g·v/‖v‖ per output unit) feeding a
// convolution and a dense layer: the gradient reaches g and v through the
// norm. The compiled float32 gradient against float64 central finite
// differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv.weight_g [
// CHECK: ok{{ +}}conv.weight_v [
// CHECK: ok{{ +}}conv.bias [
// CHECK: ok{{ +}}fc.weight_g [
// CHECK: ok{{ +}}fc.weight_v [
// CHECK: ok{{ +}}fc.bias [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_wn {
  nn.param @conv.weight_g : tensor<3x1x1x1xf32> init = #nn.constant<0.8>
  nn.param @conv.weight_v : tensor<3x2x2x2xf32> init = #nn.kaiming_uniform
  nn.param @conv.bias : tensor<3xf32> init = #nn.constant<0.1>
  nn.param @fc.weight_g : tensor<3x1xf32> init = #nn.xavier_uniform
  nn.param @fc.weight_v : tensor<3x27xf32> init = #nn.xavier_uniform
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<3x2x4x4xf32>, %y: tensor<3xi32>) {
    %wc = nn.weight_norm @conv.weight_g, @conv.weight_v : tensor<3x2x2x2xf32>
    %c = nn.conv2d %x, %wc, @conv.bias : tensor<3x2x4x4xf32>, tensor<3x2x2x2xf32> -> tensor<3x3x3x3xf32>
    %a = nn.tanh %c : tensor<3x3x3x3xf32>
    %f = nn.flatten %a : tensor<3x3x3x3xf32> -> tensor<3x27xf32>
    %wf = nn.weight_norm @fc.weight_g, @fc.weight_v : tensor<3x27xf32>
    %z = nn.dense %f, %wf, @fc.bias : tensor<3x27xf32>, tensor<3x27xf32> -> tensor<3x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<3x3xf32>, tensor<3xi32> -> tensor<f32>
    nn.return %z, %l : tensor<3x3xf32>, tensor<f32>
  }
}
