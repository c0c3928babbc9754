// Fashion-MNIST MLP 784-256-256-10 with elu activations and Kaiming-normal init;
// SGD lr 0.05, clip 1.0, batch 128.
//   nnc examples/mlp_elu.mlir -o mlp_elu && ./mlp_elu train
nn.model @mlp_elu attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc3.weight : tensor<10x256xf32> init = #nn.kaiming_normal
  nn.param @fc3.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
    %h1 = nn.dense %x, @fc1.weight, @fc1.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %a1 = nn.elu %h1 {alpha = 1.0 : f32} : tensor<128x256xf32>
    %h2 = nn.dense %a1, @fc2.weight, @fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a2 = nn.elu %h2 {alpha = 1.0 : f32} : tensor<128x256xf32>
    %logits = nn.dense %a2, @fc3.weight, @fc3.bias : tensor<128x256xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
