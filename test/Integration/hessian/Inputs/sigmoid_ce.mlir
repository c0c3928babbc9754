// 5-6-3 sigmoid MLP with softmax cross-entropy (57 parameters).
nn.model @sigmoid_ce {
  nn.param @fc1.weight : tensor<6x5xf32> init = #nn.xavier_uniform
  nn.param @fc1.bias : tensor<6xf32> init = #nn.constant<0.1>
  nn.param @fc2.weight : tensor<3x6xf32> init = #nn.xavier_uniform
  nn.param @fc2.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<8x5xf32>, %y: tensor<8xi32>) {
    %h = nn.dense %x, @fc1.weight, @fc1.bias : tensor<8x5xf32> -> tensor<8x6xf32>
    %a = nn.sigmoid %h : tensor<8x6xf32>
    %z = nn.dense %a, @fc2.weight, @fc2.bias : tensor<8x6xf32> -> tensor<8x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<8x3xf32>, tensor<8xi32> -> tensor<f32>
    nn.return %z, %l : tensor<8x3xf32>, tensor<f32>
  }
}
