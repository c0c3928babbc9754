// Fashion-MNIST CNN with weight normalization and instance normalization:
// every layer's weight is PyTorch's `weight_norm` reparameterization
// g·v/‖v‖ (parameters `weight_g`, `weight_v`), and each convolution is
// followed by InstanceNorm2d(affine=True) and ELU, then avg-pool 2:
// conv3x3 1→8, conv3x3 8→16, dense 784→10. SGD lr 0.05, clip 1.0, batch 128.
//   nnc examples/cnn_weightnorm.mlir -o cnn_weightnorm && ./cnn_weightnorm train
nn.model @fashion_cnn_weightnorm attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @conv1.bias : tensor<8xf32> init = #nn.zeros
  nn.param @conv1.weight_g : tensor<8x1x1x1xf32> init = #nn.ones
  nn.param @conv1.weight_v : tensor<8x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @in1.weight : tensor<8xf32> init = #nn.ones
  nn.param @in1.bias : tensor<8xf32> init = #nn.zeros
  nn.param @conv2.bias : tensor<16xf32> init = #nn.zeros
  nn.param @conv2.weight_g : tensor<16x1x1x1xf32> init = #nn.ones
  nn.param @conv2.weight_v : tensor<16x8x3x3xf32> init = #nn.kaiming_normal
  nn.param @in2.weight : tensor<16xf32> init = #nn.ones
  nn.param @in2.bias : tensor<16xf32> init = #nn.zeros
  nn.param @fc.bias : tensor<10xf32> init = #nn.zeros
  nn.param @fc.weight_g : tensor<10x1xf32> init = #nn.ones
  nn.param @fc.weight_v : tensor<10x784xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<128x1x28x28xf32>, %y: tensor<128xi32>) {
    %w1 = nn.weight_norm @conv1.weight_g, @conv1.weight_v : tensor<8x1x3x3xf32>
    %c1 = nn.conv2d %x, %w1, @conv1.bias {padding = array<i64: 1, 1>} : tensor<128x1x28x28xf32>, tensor<8x1x3x3xf32> -> tensor<128x8x28x28xf32>
    %n1 = nn.instance_norm %c1, @in1.weight, @in1.bias : tensor<128x8x28x28xf32>
    %a1 = nn.elu %n1 : tensor<128x8x28x28xf32>
    %p1 = nn.avg_pool2d %a1 {kernel = array<i64: 2, 2>} : tensor<128x8x28x28xf32> -> tensor<128x8x14x14xf32>
    %w2 = nn.weight_norm @conv2.weight_g, @conv2.weight_v : tensor<16x8x3x3xf32>
    %c2 = nn.conv2d %p1, %w2, @conv2.bias {padding = array<i64: 1, 1>} : tensor<128x8x14x14xf32>, tensor<16x8x3x3xf32> -> tensor<128x16x14x14xf32>
    %n2 = nn.instance_norm %c2, @in2.weight, @in2.bias : tensor<128x16x14x14xf32>
    %a2 = nn.elu %n2 : tensor<128x16x14x14xf32>
    %p2 = nn.avg_pool2d %a2 {kernel = array<i64: 2, 2>} : tensor<128x16x14x14xf32> -> tensor<128x16x7x7xf32>
    %f = nn.flatten %p2 : tensor<128x16x7x7xf32> -> tensor<128x784xf32>
    %w3 = nn.weight_norm @fc.weight_g, @fc.weight_v : tensor<10x784xf32>
    %logits = nn.dense %f, %w3, @fc.bias : tensor<128x784xf32>, tensor<10x784xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
