// Fashion-MNIST CNN: conv3x3 1→16 + BatchNorm + ReLU, max-pool 2,
// conv3x3 16→32 + BatchNorm + ReLU, max-pool 2, dense 1568→10.
// Kaiming init, SGD lr 0.05, clip 1.0, batch 128.
//   nnc examples/cnn.mlir -o cnn && ./cnn train
nn.model @fashion_cnn attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @conv1.weight : tensor<16x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @conv1.bias : tensor<16xf32> init = #nn.zeros
  nn.param @bn1.weight : tensor<16xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<16xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<16xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<16xf32> init = #nn.ones buffer
  nn.param @conv2.weight : tensor<32x16x3x3xf32> init = #nn.kaiming_normal
  nn.param @conv2.bias : tensor<32xf32> init = #nn.zeros
  nn.param @bn2.weight : tensor<32xf32> init = #nn.ones
  nn.param @bn2.bias : tensor<32xf32> init = #nn.zeros
  nn.param @bn2.running_mean : tensor<32xf32> init = #nn.zeros buffer
  nn.param @bn2.running_var : tensor<32xf32> init = #nn.ones buffer
  nn.param @fc.weight : tensor<10x1568xf32> init = #nn.kaiming_normal
  nn.param @fc.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x1x28x28xf32>, %y: tensor<128xi32>) {
    %c1 = nn.conv2d %x, @conv1.weight, @conv1.bias {padding = array<i64: 1, 1>} : tensor<128x1x28x28xf32> -> tensor<128x16x28x28xf32>
    %n1 = nn.batch_norm %c1, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<128x16x28x28xf32>
    %a1 = nn.relu %n1 : tensor<128x16x28x28xf32>
    %p1 = nn.max_pool2d %a1 {kernel = array<i64: 2, 2>} : tensor<128x16x28x28xf32> -> tensor<128x16x14x14xf32>
    %c2 = nn.conv2d %p1, @conv2.weight, @conv2.bias {padding = array<i64: 1, 1>} : tensor<128x16x14x14xf32> -> tensor<128x32x14x14xf32>
    %n2 = nn.batch_norm %c2, @bn2.weight, @bn2.bias, @bn2.running_mean, @bn2.running_var : tensor<128x32x14x14xf32>
    %a2 = nn.relu %n2 : tensor<128x32x14x14xf32>
    %p2 = nn.max_pool2d %a2 {kernel = array<i64: 2, 2>} : tensor<128x32x14x14xf32> -> tensor<128x32x7x7xf32>
    %f = nn.flatten %p2 : tensor<128x32x7x7xf32> -> tensor<128x1568xf32>
    %logits = nn.dense %f, @fc.weight, @fc.bias : tensor<128x1568xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
