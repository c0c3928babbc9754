// Fashion-MNIST MLP 784-256-256-10 with LayerNorm before each ELU (PyTorch
// Linear → LayerNorm(256) → ELU), Kaiming init, SGD lr 0.05, clip 1.0,
// batch 128. Unlike BatchNorm, LayerNorm normalizes each sample on its own:
// no running statistics, the same computation in training and inference.
// ELU rather than ReLU: LayerNorm centers every sample, so many ReLU inputs
// sit near the kink, and with ReLU even PyTorch's own float32 and float64
// runs of this network part by 3e-3 within 50 steps; ELU's derivative is
// continuous and they agree to 1e-6.
//   nnc examples/mlp_layernorm.mlir -o mlp_layernorm && ./mlp_layernorm train
nn.model @fashion_mlp_layernorm attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @ln1.weight : tensor<256xf32> init = #nn.ones
  nn.param @ln1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @ln2.weight : tensor<256xf32> init = #nn.ones
  nn.param @ln2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc3.weight : tensor<10x256xf32> init = #nn.kaiming_normal
  nn.param @fc3.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
    %h1 = nn.dense %x, @fc1.weight, @fc1.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %n1 = nn.layer_norm %h1, @ln1.weight, @ln1.bias : tensor<128x256xf32>
    %a1 = nn.elu %n1 : tensor<128x256xf32>
    %h2 = nn.dense %a1, @fc2.weight, @fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %n2 = nn.layer_norm %h2, @ln2.weight, @ln2.bias : tensor<128x256xf32>
    %a2 = nn.elu %n2 : tensor<128x256xf32>
    %logits = nn.dense %a2, @fc3.weight, @fc3.bias : tensor<128x256xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
