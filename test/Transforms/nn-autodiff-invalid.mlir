// RUN: nnc-opt %s --split-input-file --nn-autodiff -verify-diagnostics

nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2x3xf32>) {
    %h = nn.dense %x, @fc.weight : tensor<2x4xf32> -> tensor<2x3xf32>
    %z = nn.add %h, %y : tensor<2x3xf32>
    %l = nn.mse %h, %z : tensor<2x3xf32> -> tensor<f32>
    // expected-error @+1 {{the network's output must not depend on the targets}}
    nn.return %z, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2x3xf32>) {
    %h = nn.dense %x, @fc.weight : tensor<2x4xf32> -> tensor<2x3xf32>
    %t = nn.relu %h : tensor<2x3xf32>
    // expected-error @+1 {{cannot differentiate with respect to the target}}
    %l = nn.mse %h, %t : tensor<2x3xf32> -> tensor<f32>
    nn.return %h, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2xi32>) {
    %h = nn.dense %x, @fc.weight : tensor<2x4xf32> -> tensor<2x3xf32>
    // expected-error @+1 {{'nn.reshape' op has no gradient rule, but lies between trained parameters and the loss}}
    %r = nn.reshape %h : tensor<2x3xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %r, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %r, %l : tensor<2x3xf32>, tensor<f32>
  }
}
