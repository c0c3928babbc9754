// Gradient check where an exact gradient is 0: a bias before a training-mode
// BatchNorm (the batch mean takes it out). Its float32 gradient is round-off
// of the terms summed into it (1.5e-8 here), measured against the model's
// gradient scale; the old floor of 1e-6 (absolute 1e-9) failed it.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}fc1.weight [
// CHECK: ok{{ +}}fc1.bias [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @bias_before_bn attributes {lr = 0.05, clip_norm = 0.0} {
  nn.param @fc1.weight : tensor<6x5xf32> init = #nn.kaiming_uniform
  nn.param @fc1.bias : tensor<6xf32> init = #nn.constant<0.3>
  nn.param @bn1.weight : tensor<6xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<6xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<6xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<6xf32> init = #nn.ones buffer
  nn.param @fc2.weight : tensor<3x6xf32> init = #nn.kaiming_uniform
  nn.forward(%x: tensor<8x5xf32>, %y: tensor<8xi32>) {
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<8x5xf32> -> tensor<8x6xf32>
    %b = nn.batch_norm %h, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var {epsilon = 1.0e-05 : f32, momentum = 0.1 : f32} : tensor<8x6xf32>
    %a = nn.tanh %b : tensor<8x6xf32>
    %o = nn.dense %a, @fc2.weight : tensor<8x6xf32> -> tensor<8x3xf32>
    %loss = nn.softmax_cross_entropy %o, %y : tensor<8x3xf32>, tensor<8xi32> -> tensor<f32>
    nn.return %o, %loss : tensor<8x3xf32>, tensor<f32>
  }
}
