// Gradient check of nn.batch_norm_act (nn-fuse-batchnorm, on by default):
// BatchNorm in training fused with ReLU (after a conv), leaky ReLU and ELU
// (after dense layers) and with no activation (its output has two users);
// the compiled float32 gradient against float64 central finite differences
// of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -emit=nn | FileCheck %s --check-prefix=FUSED
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// FUSED-COUNT-4: nn.batch_norm_act_grad
// CHECK: ok{{ +}}conv.weight [
// CHECK: ok{{ +}}bn1.weight [
// CHECK: ok{{ +}}bn1.bias [
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}bn2.weight [
// CHECK: ok{{ +}}bn2.bias [
// CHECK: ok{{ +}}fc2.weight [
// CHECK: ok{{ +}}bn3.weight [
// CHECK: ok{{ +}}bn3.bias [
// CHECK: ok{{ +}}bn4.weight [
// CHECK: ok{{ +}}bn4.bias [
// CHECK: ok{{ +}}fc3.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_bn_act {
  nn.param @conv.weight : tensor<2x3x2x2xf32> init = #nn.kaiming_uniform
  nn.param @bn1.weight : tensor<2xf32> init = #nn.constant<1.5>
  nn.param @bn1.bias : tensor<2xf32> init = #nn.constant<0.2>
  nn.param @bn1.running_mean : tensor<2xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<2xf32> init = #nn.ones buffer
  nn.param @fc1.weight : tensor<5x8xf32> init = #nn.xavier_uniform
  nn.param @bn2.weight : tensor<5xf32> init = #nn.constant<0.8>
  nn.param @bn2.bias : tensor<5xf32> init = #nn.constant<-0.1>
  nn.param @bn2.running_mean : tensor<5xf32> init = #nn.zeros buffer
  nn.param @bn2.running_var : tensor<5xf32> init = #nn.ones buffer
  nn.param @fc2.weight : tensor<4x5xf32> init = #nn.xavier_uniform
  nn.param @bn3.weight : tensor<4xf32> init = #nn.constant<1.2>
  nn.param @bn3.bias : tensor<4xf32> init = #nn.constant<0.3>
  nn.param @bn3.running_mean : tensor<4xf32> init = #nn.zeros buffer
  nn.param @bn3.running_var : tensor<4xf32> init = #nn.ones buffer
  nn.param @bn4.weight : tensor<4xf32> init = #nn.constant<0.7>
  nn.param @bn4.bias : tensor<4xf32> init = #nn.constant<0.05>
  nn.param @bn4.running_mean : tensor<4xf32> init = #nn.zeros buffer
  nn.param @bn4.running_var : tensor<4xf32> init = #nn.ones buffer
  nn.param @fc3.weight : tensor<3x4xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<4x3x3x3xf32>, %y: tensor<4xi32>) {
    %c = nn.conv2d %x, @conv.weight : tensor<4x3x3x3xf32> -> tensor<4x2x2x2xf32>
    %n = nn.batch_norm %c, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<4x2x2x2xf32>
    %a = nn.relu %n : tensor<4x2x2x2xf32>
    %f = nn.flatten %a : tensor<4x2x2x2xf32> -> tensor<4x8xf32>
    %h = nn.dense %f, @fc1.weight : tensor<4x8xf32> -> tensor<4x5xf32>
    %m = nn.batch_norm %h, @bn2.weight, @bn2.bias, @bn2.running_mean, @bn2.running_var {epsilon = 1.0e-3 : f32} : tensor<4x5xf32>
    %s = nn.leaky_relu %m {alpha = 0.1 : f32} : tensor<4x5xf32>
    %g = nn.dense %s, @fc2.weight : tensor<4x5xf32> -> tensor<4x4xf32>
    %k = nn.batch_norm %g, @bn3.weight, @bn3.bias, @bn3.running_mean, @bn3.running_var : tensor<4x4xf32>
    %e = nn.elu %k {alpha = 0.7 : f32} : tensor<4x4xf32>
    %o = nn.batch_norm %e, @bn4.weight, @bn4.bias, @bn4.running_mean, @bn4.running_var : tensor<4x4xf32>
    %t = nn.tanh %o : tensor<4x4xf32>
    %r = nn.add %o, %t : tensor<4x4xf32>
    %z = nn.dense %r, @fc3.weight : tensor<4x4xf32> -> tensor<4x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    nn.return %z, %l : tensor<4x3xf32>, tensor<f32>
  }
}
