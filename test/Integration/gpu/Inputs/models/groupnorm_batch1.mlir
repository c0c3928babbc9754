// GroupNorm of 2-channel groups on a batch of 1 (found by random testing):
// the CPU build's peeled 16+9-lane statistics passes shared a buffer and
// gave a wrong or NaN variance (nnc-full-rank-transfer-writes).
nn.model @gn attributes {lr = 0.1, clip_norm = 1.0, epochs = 1} {
  nn.param @fc1.bias : tensor<34xf32> init = #nn.zeros
  nn.param @fc1.weight : tensor<34x784xf32> init = #nn.kaiming_normal
  nn.param @norm1.weight : tensor<34xf32> init = #nn.ones
  nn.param @norm1.bias : tensor<34xf32> init = #nn.zeros
  nn.param @out.bias : tensor<10xf32> init = #nn.zeros
  nn.param @out.weight : tensor<10x34xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<1x784xf32>, %y: tensor<1xi32>) {
    %h1 = nn.dense %x, @fc1.weight, @fc1.bias : tensor<1x784xf32> -> tensor<1x34xf32>
    %n2 = nn.group_norm %h1, @norm1.weight, @norm1.bias {groups = 17 : i64} : tensor<1x34xf32>
    %h3 = nn.dense %n2, @out.weight, @out.bias : tensor<1x34xf32> -> tensor<1x10xf32>
    %loss4 = nn.softmax_cross_entropy %h3, %y : tensor<1x10xf32>, tensor<1xi32> -> tensor<f32>
    nn.return %h3, %loss4 : tensor<1x10xf32>, tensor<f32>
  }
}
