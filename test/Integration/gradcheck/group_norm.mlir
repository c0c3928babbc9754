// Gradient check of nn.group_norm through the statistics of each sample's
// channel groups: 2 groups of 2 channels after a convolution (affine), then
// 2 groups of a dense layer's 6 features without affine parameters. The
// compiled float32 gradient against float64 central finite differences of
// the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// (Groups of 2 features are avoided: their normalized values are ±1 up to
// rounding, which makes float32 gradients through them ill-conditioned.)
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv.weight [
// CHECK: ok{{ +}}gn1.weight [
// CHECK: ok{{ +}}gn1.bias [
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc2.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_gn {
  nn.param @conv.weight : tensor<4x2x2x2xf32> init = #nn.kaiming_uniform
  nn.param @gn1.weight : tensor<4xf32> init = #nn.constant<1.5>
  nn.param @gn1.bias : tensor<4xf32> init = #nn.constant<-0.2>
  nn.param @fc1.weight : tensor<6x36xf32> init = #nn.xavier_uniform
  nn.param @fc2.weight : tensor<3x6xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<3x2x4x4xf32>, %y: tensor<3xi32>) {
    %c = nn.conv2d %x, @conv.weight : tensor<3x2x4x4xf32> -> tensor<3x4x3x3xf32>
    %n = nn.group_norm %c, @gn1.weight, @gn1.bias {groups = 2 : i64} : tensor<3x4x3x3xf32>
    %a = nn.elu %n : tensor<3x4x3x3xf32>
    %f = nn.flatten %a : tensor<3x4x3x3xf32> -> tensor<3x36xf32>
    %h = nn.dense %f, @fc1.weight : tensor<3x36xf32> -> tensor<3x6xf32>
    %m = nn.group_norm %h {groups = 2 : i64, epsilon = 1.0e-3 : f32} : tensor<3x6xf32>
    %s = nn.tanh %m : tensor<3x6xf32>
    %z = nn.dense %s, @fc2.weight : tensor<3x6xf32> -> tensor<3x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<3x3xf32>, tensor<3xi32> -> tensor<f32>
    nn.return %z, %l : tensor<3x3xf32>, tensor<f32>
  }
}
