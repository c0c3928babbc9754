// A 20-layer ReLU MLP (784-256x19-10) with Kaiming-normal init: at this depth
// the initialization decides whether the signal survives (./model diagnose
// shows the per-layer picture). SGD lr 0.01, clip 1.0, batch 128.
nn.model @deep_relu_kaiming attributes {lr = 0.01, clip_norm = 1.0, epochs = 5} {
  nn.param @fc1.weight : tensor<256x784xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc2.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc3.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc3.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc4.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc4.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc5.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc5.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc6.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc6.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc7.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc7.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc8.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc8.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc9.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc9.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc10.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc10.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc11.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc11.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc12.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc12.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc13.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc13.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc14.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc14.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc15.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc15.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc16.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc16.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc17.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc17.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc18.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc18.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc19.weight : tensor<256x256xf32> init = #nn.kaiming_normal
  nn.param @fc19.bias : tensor<256xf32> init = #nn.zeros
  nn.param @fc20.weight : tensor<10x256xf32> init = #nn.kaiming_normal
  nn.param @fc20.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<128x784xf32>, %y: tensor<128xi32>) {
    %h1 = nn.dense %x, @fc1.weight, @fc1.bias : tensor<128x784xf32> -> tensor<128x256xf32>
    %a1 = nn.relu %h1 : tensor<128x256xf32>
    %h2 = nn.dense %a1, @fc2.weight, @fc2.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a2 = nn.relu %h2 : tensor<128x256xf32>
    %h3 = nn.dense %a2, @fc3.weight, @fc3.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a3 = nn.relu %h3 : tensor<128x256xf32>
    %h4 = nn.dense %a3, @fc4.weight, @fc4.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a4 = nn.relu %h4 : tensor<128x256xf32>
    %h5 = nn.dense %a4, @fc5.weight, @fc5.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a5 = nn.relu %h5 : tensor<128x256xf32>
    %h6 = nn.dense %a5, @fc6.weight, @fc6.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a6 = nn.relu %h6 : tensor<128x256xf32>
    %h7 = nn.dense %a6, @fc7.weight, @fc7.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a7 = nn.relu %h7 : tensor<128x256xf32>
    %h8 = nn.dense %a7, @fc8.weight, @fc8.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a8 = nn.relu %h8 : tensor<128x256xf32>
    %h9 = nn.dense %a8, @fc9.weight, @fc9.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a9 = nn.relu %h9 : tensor<128x256xf32>
    %h10 = nn.dense %a9, @fc10.weight, @fc10.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a10 = nn.relu %h10 : tensor<128x256xf32>
    %h11 = nn.dense %a10, @fc11.weight, @fc11.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a11 = nn.relu %h11 : tensor<128x256xf32>
    %h12 = nn.dense %a11, @fc12.weight, @fc12.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a12 = nn.relu %h12 : tensor<128x256xf32>
    %h13 = nn.dense %a12, @fc13.weight, @fc13.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a13 = nn.relu %h13 : tensor<128x256xf32>
    %h14 = nn.dense %a13, @fc14.weight, @fc14.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a14 = nn.relu %h14 : tensor<128x256xf32>
    %h15 = nn.dense %a14, @fc15.weight, @fc15.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a15 = nn.relu %h15 : tensor<128x256xf32>
    %h16 = nn.dense %a15, @fc16.weight, @fc16.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a16 = nn.relu %h16 : tensor<128x256xf32>
    %h17 = nn.dense %a16, @fc17.weight, @fc17.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a17 = nn.relu %h17 : tensor<128x256xf32>
    %h18 = nn.dense %a17, @fc18.weight, @fc18.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a18 = nn.relu %h18 : tensor<128x256xf32>
    %h19 = nn.dense %a18, @fc19.weight, @fc19.bias : tensor<128x256xf32> -> tensor<128x256xf32>
    %a19 = nn.relu %h19 : tensor<128x256xf32>
    %logits = nn.dense %a19, @fc20.weight, @fc20.bias : tensor<128x256xf32> -> tensor<128x10xf32>
    %loss = nn.softmax_cross_entropy %logits, %y : tensor<128x10xf32>, tensor<128xi32> -> tensor<f32>
    nn.return %logits, %loss : tensor<128x10xf32>, tensor<f32>
  }
}
