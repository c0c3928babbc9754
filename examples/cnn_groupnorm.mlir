// Fashion-MNIST CNN with GroupNorm: conv3x3 1→8 + GroupNorm(2 groups) +
// ELU, avg-pool 2, conv3x3 8→16 + GroupNorm(4 groups) + ELU, avg-pool 2,
// dense 784→10. Kaiming init, SGD lr 0.05, clip 1.0, batch 128. GroupNorm's
// statistics are per sample: no running statistics, and the batch size does
// not matter. ELU and average pooling have no kinks or ties, so a step-by-
// step comparison with PyTorch stays at rounding level (with ReLU, PyTorch's
// own float32 and float64 runs part by 1.6e-4 within 50 steps).
//   nnc examples/cnn_groupnorm.mlir -o cnn_groupnorm && ./cnn_groupnorm train
nn.model @fashion_cnn_groupnorm attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @conv1.weight : tensor<8x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @conv1.bias : tensor<8xf32> init = #nn.zeros
  nn.param @gn1.weight : tensor<8xf32> init = #nn.ones
  nn.param @gn1.bias : tensor<8xf32> init = #nn.zeros
  nn.param @conv2.weight : tensor<16x8x3x3xf32> init = #nn.kaiming_normal
  nn.param @conv2.bias : tensor<16xf32> init = #nn.zeros
  nn.param @gn2.weight : tensor<16xf32> init = #nn.ones
  nn.param @gn2.bias : tensor<16xf32> init = #nn.zeros
  nn.param @fc.weight : tensor<10x784xf32> init = #nn.kaiming_normal
  nn.param @fc.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x1x28x28xf32>, %y: tensor<128xi32>) {
    %c1 = nn.conv2d %x, @conv1.weight, @conv1.bias {padding = array<i64: 1, 1>} : tensor<128x1x28x28xf32> -> tensor<128x8x28x28xf32>
    %n1 = nn.group_norm %c1, @gn1.weight, @gn1.bias {groups = 2 : i64} : tensor<128x8x28x28xf32>
    %a1 = nn.elu %n1 : tensor<128x8x28x28xf32>
    %p1 = nn.avg_pool2d %a1 {kernel = array<i64: 2, 2>} : tensor<128x8x28x28xf32> -> tensor<128x8x14x14xf32>
    %c2 = nn.conv2d %p1, @conv2.weight, @conv2.bias {padding = array<i64: 1, 1>} : tensor<128x8x14x14xf32> -> tensor<128x16x14x14xf32>
    %n2 = nn.group_norm %c2, @gn2.weight, @gn2.bias {groups = 4 : i64} : tensor<128x16x14x14xf32>
    %a2 = nn.elu %n2 : tensor<128x16x14x14xf32>
    %p2 = nn.avg_pool2d %a2 {kernel = array<i64: 2, 2>} : tensor<128x16x14x14xf32> -> tensor<128x16x7x7xf32>
    %f = nn.flatten %p2 : tensor<128x16x7x7xf32> -> tensor<128x784xf32>
    %logits = nn.dense %f, @fc.weight, @fc.bias : tensor<128x784xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
