// x -> dense (ones) -> sigmoid -> dense (ones) -> MSE: with x = -100 the
// sigmoid saturates (exp(100) overflows float32).
nn.model @sig attributes {lr = 0.05, clip_norm = 0.0} {
  nn.param @fc1.weight : tensor<2x1xf32> init = #nn.ones
  nn.param @fc2.weight : tensor<1x2xf32> init = #nn.ones
  nn.forward(%x: tensor<1x1xf32>, %y: tensor<1x1xf32>) {
    %h = nn.dense %x, @fc1.weight : tensor<1x1xf32> -> tensor<1x2xf32>
    %a = nn.sigmoid %h : tensor<1x2xf32>
    %o = nn.dense %a, @fc2.weight : tensor<1x2xf32> -> tensor<1x1xf32>
    %loss = nn.mse %o, %y : tensor<1x1xf32> -> tensor<f32>
    nn.return %o, %loss : tensor<1x1xf32>, tensor<f32>
  }
}
