// A residual MLP: 784→256, then 8 blocks h ← h + W₂·relu(W₁·relu(h)) / √8
// (each block's output scaled by 1/√L through the init gain of W₂), then
// 256→10. Kaiming init, SGD lr 0.01, clip 1.0, batch 128.
nn.model @residual_mlp attributes {lr = 0.01, clip_norm = 1.0, epochs = 5} {
  nn.param @fc_in.weight : tensor<256x784xf32> init = #nn.kaiming_normal
  nn.param @fc_in.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.1.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.1.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.1.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.1.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.2.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.2.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.2.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.2.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.3.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.3.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.3.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.3.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.4.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.4.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.4.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.4.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.5.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.5.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.5.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.5.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.6.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.6.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.6.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.6.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.7.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.7.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.7.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.7.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.8.fc1.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @blocks.8.fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @blocks.8.fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal<gain = 0.5>
  nn.param @blocks.8.fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc_out.weight : tensor<10x256xf32> init = #nn.kaiming_normal
  nn.param @fc_out.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
    %h0 = nn.dense %x, @fc_in.weight, @fc_in.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %r1 = nn.relu %h0 : tensor<128x256xf32>
    %u1 = nn.dense %r1, @blocks.1.fc1.weight, @blocks.1.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v1 = nn.relu %u1 : tensor<128x256xf32>
    %w1 = nn.dense %v1, @blocks.1.fc2.weight, @blocks.1.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h1 = nn.add %h0, %w1 : tensor<128x256xf32>
    %r2 = nn.relu %h1 : tensor<128x256xf32>
    %u2 = nn.dense %r2, @blocks.2.fc1.weight, @blocks.2.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v2 = nn.relu %u2 : tensor<128x256xf32>
    %w2 = nn.dense %v2, @blocks.2.fc2.weight, @blocks.2.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h2 = nn.add %h1, %w2 : tensor<128x256xf32>
    %r3 = nn.relu %h2 : tensor<128x256xf32>
    %u3 = nn.dense %r3, @blocks.3.fc1.weight, @blocks.3.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v3 = nn.relu %u3 : tensor<128x256xf32>
    %w3 = nn.dense %v3, @blocks.3.fc2.weight, @blocks.3.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h3 = nn.add %h2, %w3 : tensor<128x256xf32>
    %r4 = nn.relu %h3 : tensor<128x256xf32>
    %u4 = nn.dense %r4, @blocks.4.fc1.weight, @blocks.4.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v4 = nn.relu %u4 : tensor<128x256xf32>
    %w4 = nn.dense %v4, @blocks.4.fc2.weight, @blocks.4.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h4 = nn.add %h3, %w4 : tensor<128x256xf32>
    %r5 = nn.relu %h4 : tensor<128x256xf32>
    %u5 = nn.dense %r5, @blocks.5.fc1.weight, @blocks.5.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v5 = nn.relu %u5 : tensor<128x256xf32>
    %w5 = nn.dense %v5, @blocks.5.fc2.weight, @blocks.5.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h5 = nn.add %h4, %w5 : tensor<128x256xf32>
    %r6 = nn.relu %h5 : tensor<128x256xf32>
    %u6 = nn.dense %r6, @blocks.6.fc1.weight, @blocks.6.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v6 = nn.relu %u6 : tensor<128x256xf32>
    %w6 = nn.dense %v6, @blocks.6.fc2.weight, @blocks.6.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h6 = nn.add %h5, %w6 : tensor<128x256xf32>
    %r7 = nn.relu %h6 : tensor<128x256xf32>
    %u7 = nn.dense %r7, @blocks.7.fc1.weight, @blocks.7.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v7 = nn.relu %u7 : tensor<128x256xf32>
    %w7 = nn.dense %v7, @blocks.7.fc2.weight, @blocks.7.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h7 = nn.add %h6, %w7 : tensor<128x256xf32>
    %r8 = nn.relu %h7 : tensor<128x256xf32>
    %u8 = nn.dense %r8, @blocks.8.fc1.weight, @blocks.8.fc1.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %v8 = nn.relu %u8 : tensor<128x256xf32>
    %w8 = nn.dense %v8, @blocks.8.fc2.weight, @blocks.8.fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %h8 = nn.add %h7, %w8 : tensor<128x256xf32>
    %r = nn.relu %h8 : tensor<128x256xf32>
    %logits = nn.dense %r, @fc_out.weight, @fc_out.bias : tensor<128x256xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
