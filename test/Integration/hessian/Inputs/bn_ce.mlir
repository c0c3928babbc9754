// 5-6-3 MLP with BatchNorm (training mode: batch statistics) before a tanh,
// softmax cross-entropy; fc1 has no bias (BatchNorm cancels it).
nn.model @bn_ce {
  nn.param @fc1.weight : tensor<6x5xf32> init = #nn.xavier_uniform
  nn.param @bn1.weight : tensor<6xf32> init = #nn.constant<1.2>
  nn.param @bn1.bias : tensor<6xf32> init = #nn.constant<0.1>
  nn.param @bn1.running_mean : tensor<6xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<6xf32> init = #nn.ones buffer
  nn.param @fc2.weight : tensor<3x6xf32> init = #nn.xavier_uniform
  nn.param @fc2.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<8x5xf32>, %y: tensor<8xi32>) {
    %h = nn.dense %x, @fc1.weight : tensor<8x5xf32> -> tensor<8x6xf32>
    %n = nn.batch_norm %h, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<8x6xf32>
    %a = nn.tanh %n : tensor<8x6xf32>
    %z = nn.dense %a, @fc2.weight, @fc2.bias : tensor<8x6xf32> -> tensor<8x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<8x3xf32>, tensor<8xi32> -> tensor<f32>
    nn.return %z, %l : tensor<8x3xf32>, tensor<f32>
  }
}
