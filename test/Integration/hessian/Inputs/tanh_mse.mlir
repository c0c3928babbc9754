// 5-6-2 tanh MLP with the mean squared error (50 parameters).
nn.model @tanh_mse attributes {lr = 0.1, clip_norm = 0.0, epochs = 1} {
  nn.param @fc1.weight : tensor<6x5xf32> init = #nn.xavier_uniform
  nn.param @fc1.bias : tensor<6xf32> init = #nn.constant<0.1>
  nn.param @fc2.weight : tensor<2x6xf32> init = #nn.xavier_uniform
  nn.param @fc2.bias : tensor<2xf32> init = #nn.zeros
  nn.forward(%x: tensor<8x5xf32>, %y: tensor<8x2xf32>) {
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<8x5xf32> -> tensor<8x6xf32>
    %a = nn.tanh %h : tensor<8x6xf32>
    %p = nn.dense %a, @fc2.weight, @fc2.bias : tensor<8x6xf32> -> tensor<8x2xf32>
    %l = nn.mse %p, %y : tensor<8x2xf32> -> tensor<f32>
    nn.return %p, %l : tensor<8x2xf32>, tensor<f32>
  }
}
