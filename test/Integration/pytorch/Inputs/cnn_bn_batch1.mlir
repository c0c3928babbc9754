// BatchNorm2d in training on batches of one image: each channel's
// statistics are over the 28x28 values of that image (as in PyTorch).
nn.model @bn1 attributes {lr = 0.05, clip_norm = 1.0, epochs = 1} {
  nn.param @conv.weight : tensor<3x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @conv.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  nn.param @fc.weight : tensor<10x2352xf32> init = #nn.kaiming_normal
  nn.param @fc.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<1x1x28x28xf32>, %y: tensor<1xi32>) {
    %c = nn.conv2d %x, @conv.weight, @conv.bias {padding = array<i64: 1, 1>} : tensor<1x1x28x28xf32> -> tensor<1x3x28x28xf32>
    %n = nn.batch_norm %c, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<1x3x28x28xf32>
    %a = nn.relu %n : tensor<1x3x28x28xf32>
    %f = nn.flatten %a : tensor<1x3x28x28xf32> -> tensor<1x2352xf32>
    %l = nn.dense %f, @fc.weight, @fc.bias : tensor<1x2352xf32> -> tensor<1x10xf32>
    %loss = nn.softmax_cross_entropy %l, %y : tensor<1x10xf32>, tensor<1xi32> -> tensor<f32>
    nn.return %l, %loss : tensor<1x10xf32>, tensor<f32>
  }
}
