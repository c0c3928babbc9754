// Fashion-MNIST MLP 784-256-256-10 with BatchNorm before each ReLU (PyTorch
// Linear → BatchNorm1d → ReLU), Kaiming init, SGD lr 0.05, clip 1.0, batch 128.
//   nnc examples/mlp_bn.mlir -o mlp_bn && ./mlp_bn train
nn.model @fashion_mlp_bn attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @bn1.weight : tensor<256xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<256xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<256xf32> init = #nn.ones buffer
  nn.param @fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @bn2.weight : tensor<256xf32> init = #nn.ones
  nn.param @bn2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @bn2.running_mean : tensor<256xf32> init = #nn.zeros buffer
  nn.param @bn2.running_var : tensor<256xf32> init = #nn.ones buffer
  nn.param @fc3.weight : tensor<10x256xf32> init = #nn.kaiming_normal
  nn.param @fc3.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
    %h1 = nn.dense %x, @fc1.weight, @fc1.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %n1 = nn.batch_norm %h1, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<128x256xf32>
    %a1 = nn.relu %n1 : tensor<128x256xf32>
    %h2 = nn.dense %a1, @fc2.weight, @fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %n2 = nn.batch_norm %h2, @bn2.weight, @bn2.bias, @bn2.running_mean, @bn2.running_var : tensor<128x256xf32>
    %a2 = nn.relu %n2 : tensor<128x256xf32>
    %logits = nn.dense %a2, @fc3.weight, @fc3.bias : tensor<128x256xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
