// RUN: nnc-opt %s -split-input-file -verify-diagnostics
// Every verifier rule of nn.gram and nn.mse's reduction.

nn.model @m {
  nn.param @u : tensor<6x2xf32> init = #nn.zeros
  func.func @f() -> tensor<5x5xf32> {
    // expected-error @+1 {{'nn.gram' op needs an [n, r] parameter and an [n, n] result, got 'tensor<6x2xf32>' and 'tensor<5x5xf32>'}}
    %p = nn.gram @u : tensor<5x5xf32>
    return %p : tensor<5x5xf32>
  }
}

// -----

nn.model @m {
  nn.param @u : tensor<6xf32> init = #nn.zeros
  func.func @f() -> tensor<6x6xf32> {
    // expected-error @+1 {{'nn.gram' op needs an [n, r] parameter and an [n, n] result, got 'tensor<6xf32>' and 'tensor<6x6xf32>'}}
    %p = nn.gram @u : tensor<6x6xf32>
    return %p : tensor<6x6xf32>
  }
}

// -----

nn.model @m {
  func.func @f() -> tensor<6x6xf32> {
    // expected-error @+1 {{'nn.gram' op parameter @u does not name an nn.param}}
    %p = nn.gram @u : tensor<6x6xf32>
    return %p : tensor<6x6xf32>
  }
}

// -----

nn.model @m {
  nn.param @u : tensor<6x2xf32> init = #nn.zeros buffer
  func.func @f() -> tensor<6x6xf32> {
    // expected-error @+1 {{'nn.gram' op parameter @u must be a parameter, not a buffer}}
    %p = nn.gram @u : tensor<6x6xf32>
    return %p : tensor<6x6xf32>
  }
}

// -----

func.func @f(%p: tensor<2x2xf32>, %t: tensor<2x2xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.mse' op reduction must be "mean" or "sum", got "max"}}
  %l = nn.mse %p, %t {reduction = "max"} : tensor<2x2xf32> -> tensor<f32>
  return %l : tensor<f32>
}
