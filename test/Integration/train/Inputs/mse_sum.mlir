// A regression with nn.mse {reduction = "sum"}: its loss on a batch is the
// sum of the squared errors of all the batch's samples.
nn.model @mse_sum attributes {lr = 0.01, clip_norm = 0.0} {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_uniform
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<4x4xf32>, %y: tensor<4x3xf32>) {
    %p = nn.dense %x, @fc.weight, @fc.bias : tensor<4x4xf32> -> tensor<4x3xf32>
    %l = nn.mse %p, %y {reduction = "sum"} : tensor<4x3xf32> -> tensor<f32>
    nn.return %p, %l : tensor<4x3xf32>, tensor<f32>
  }
}
