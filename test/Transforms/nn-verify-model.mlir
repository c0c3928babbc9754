// RUN: nnc-opt %s --split-input-file --nn-verify-model -verify-diagnostics

// expected-error @+1 {{no nn.model in the input}}
module {
}

// -----

// expected-error @+1 {{'nn.model' op needs an nn.forward}}
nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_normal
}

// -----

// expected-error @+1 {{'nn.model' op declares no nn.param: there is nothing to train}}
nn.model @m {
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) {
    %l = nn.mse %x, %y : tensor<2x4xf32> -> tensor<f32>
    nn.return %x, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<4x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) {
    %h = nn.dense %x, @fc.weight : tensor<2x4xf32> -> tensor<2x4xf32>
    // expected-error @+1 {{'tensor.empty' op is not allowed in nn.forward: only nn ops and constants are}}
    %e = tensor.empty() : tensor<2x4xf32>
    %l = nn.mse %h, %y : tensor<2x4xf32> -> tensor<f32>
    nn.return %h, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<4x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) {
    %h = nn.dense %x, @fc.weight : tensor<2x4xf32> -> tensor<2x4xf32>
    %l = arith.constant dense<0.0> : tensor<f32>
    // expected-error @+1 {{loss must be computed by nn.softmax_cross_entropy or nn.mse}}
    nn.return %h, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

// eval and predict score the returned output: it must be what the loss saw.
nn.model @m {
  nn.param @fc.weight : tensor<4x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) {
    %h = nn.dense %x, @fc.weight : tensor<2x4xf32> -> tensor<2x4xf32>
    %l = nn.mse %h, %y : tensor<2x4xf32> -> tensor<f32>
    // expected-error @+1 {{output must be the loss's input (the logits or predictions that eval and predict score)}}
    nn.return %x, %l : tensor<2x4xf32>, tensor<f32>
  }
}
