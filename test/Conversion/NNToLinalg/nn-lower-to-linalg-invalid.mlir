// RUN: nnc-opt %s --split-input-file --nn-lower-to-linalg -verify-diagnostics

// expected-error @+1 {{expected exactly one nn.model, found 0}}
module {
}

// -----

// expected-error @+1 {{'nn.model' op lacks @train_step, @predict, @loss or @gradient: run nn-autodiff and nn-optimizer first}}
nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.kaiming_normal
}
