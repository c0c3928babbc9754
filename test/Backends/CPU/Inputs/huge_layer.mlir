// A 25M-input dense layer: its temporaries take ~3 GiB of static buffers.
nn.model @big attributes {lr = 0.05, clip_norm = 0.0, epochs = 1} {
  nn.param @a.weight : tensor<16x25000000xf32> init = #nn.zeros
  nn.param @b.weight : tensor<16x25000000xf32> init = #nn.zeros
  nn.forward(%x: tensor<2x25000000xf32>, %y: tensor<2xi32>) {
    %h = nn.dense %x, @a.weight : tensor<2x25000000xf32> -> tensor<2x16xf32>
    %l = nn.softmax_cross_entropy %h, %y : tensor<2x16xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %h, %l : tensor<2x16xf32>, tensor<f32>
  }
}
