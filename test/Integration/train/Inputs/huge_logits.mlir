// Every logit equal and huge (1e28 times the pixel sum): the loss is log 10.
nn.model @huge attributes {lr = 0.05, clip_norm = 0.0, epochs = 1} {
  nn.param @fc.weight : tensor<10x784xf32> init = #nn.constant<1.0e28>
  nn.forward(%x: tensor<32x784xf32>, %y: tensor<32xi32>) {
    %l = nn.dense %x, @fc.weight : tensor<32x784xf32> -> tensor<32x10xf32>
    %loss = nn.softmax_cross_entropy %l, %y : tensor<32x10xf32>, tensor<32xi32> -> tensor<f32>
    nn.return %l, %loss : tensor<32x10xf32>, tensor<f32>
  }
}
