// Fashion-MNIST MLP 784-256-256-10 with leaky_relu activations and Kaiming-normal init with gain sqrt(2/(1+0.01^2)) (calculate_gain("leaky_relu", 0.01));
// SGD lr 0.05, clip 1.0, batch 128.
//   nnc examples/mlp_leaky_relu.mlir -o mlp_leaky_relu && ./mlp_leaky_relu train
nn.model @mlp_leaky_relu attributes {lr = 0.05, clip_norm = 1.0, epochs = 5} {
  nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal<gain = 1.4141428569978354>
  nn.param @fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 1.4141428569978354>
  nn.param @fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc3.weight : tensor<10x256xf32> init = #nn.kaiming_normal<gain = 1.4141428569978354>
  nn.param @fc3.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
    %h1 = nn.dense %x, @fc1.weight, @fc1.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %a1 = nn.leaky_relu %h1 {alpha = 0.01 : f32} : tensor<128x256xf32>
    %h2 = nn.dense %a1, @fc2.weight, @fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a2 = nn.leaky_relu %h2 {alpha = 0.01 : f32} : tensor<128x256xf32>
    %logits = nn.dense %a2, @fc3.weight, @fc3.bias : tensor<128x256xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
