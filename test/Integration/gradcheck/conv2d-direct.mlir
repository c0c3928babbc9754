// Gradient check of nn.conv2d on the direct-convolution path (stride 1,
// output rows of at least 8): a dilated 3x3 with bias, rows of 17 (a block
// of 16 and a peeled column), then a 5x3 kernel and a BatchNorm, whose
// input gradient is the direct convolution of the padded output gradient
// with the flipped kernel. (A bias before the BatchNorm would have a zero
// gradient, which finite differences cannot check.) The
// compiled float32 gradient against float64 central finite differences of
// the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv1.weight [
// CHECK: ok{{ +}}conv1.bias [
// CHECK: ok{{ +}}conv2.weight [
// CHECK: ok{{ +}}bn.weight [
// CHECK: ok{{ +}}fc.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_conv_direct {
  nn.param @conv1.weight : tensor<3x2x3x3xf32> init = #nn.kaiming_uniform
  nn.param @conv1.bias : tensor<3xf32> init = #nn.constant<0.1>
  nn.param @conv2.weight : tensor<4x3x5x3xf32> init = #nn.kaiming_uniform
  nn.param @bn.weight : tensor<4xf32> init = #nn.ones
  nn.param @bn.bias : tensor<4xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<4xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<4xf32> init = #nn.ones buffer
  nn.param @fc.weight : tensor<3x408xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x2x6x19xf32>, %y: tensor<2xi32>) {
    %c1 = nn.conv2d %x, @conv1.weight, @conv1.bias {padding = array<i64: 1, 1>, dilation = array<i64: 1, 2>}
        : tensor<2x2x6x19xf32> -> tensor<2x3x6x17xf32>
    %a1 = nn.tanh %c1 : tensor<2x3x6x17xf32>
    %c2 = nn.conv2d %a1, @conv2.weight {padding = array<i64: 2, 1>}
        : tensor<2x3x6x17xf32> -> tensor<2x4x6x17xf32>
    %n2 = nn.batch_norm %c2, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<2x4x6x17xf32>
    %a2 = nn.tanh %n2 : tensor<2x4x6x17xf32>
    %f = nn.flatten %a2 : tensor<2x4x6x17xf32> -> tensor<2x408xf32>
    %z = nn.dense %f, @fc.weight : tensor<2x408xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %z, %l : tensor<2x3xf32>, tensor<f32>
  }
}
