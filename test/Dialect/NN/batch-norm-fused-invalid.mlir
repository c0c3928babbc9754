// RUN: nnc-opt %s -split-input-file -verify-diagnostics

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
    // expected-error @+1 {{'nn.batch_norm_act' op needs more than one value per channel to compute batch statistics in training, got 1}}
    %n = nn.batch_norm_act %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then relu : tensor<1x3xf32>
    return %n : tensor<1x3xf32>
  }
}

// -----

func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'nn.batch_norm_act' op alpha must be in [0, 1), got 1.500000e+00}}
  %n = nn.batch_norm_act %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then leaky_relu {alpha = 1.5 : f32} : tensor<4x3xf32>
  return %n : tensor<4x3xf32>
}

// -----

func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'nn.batch_norm_act' op alpha must be > 0, got 0.000000e+00}}
  %n = nn.batch_norm_act %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then elu {alpha = 0.0 : f32} : tensor<4x3xf32>
  return %n : tensor<4x3xf32>
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.batch_norm_act' op running_mean @bn.running_mean must be declared `buffer`}}
    %n = nn.batch_norm_act %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<4xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%w: tensor<3x2xf32>) -> tensor<3xf32> {
    // expected-error @+1 {{'nn.batch_norm_fold' op weight @bn.weight must be 'tensor<3xf32>', but the parameter is 'tensor<4xf32>'}}
    %fw, %fb = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %w {epsilon = 1.0e-5 : f32} : tensor<3x2xf32>, tensor<3xf32>
    return %fb : tensor<3xf32>
  }
}

// -----

func.func @f(%w: tensor<3x2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.batch_norm_fold' op folded bias must be [out] of the weight 'tensor<3x2xf32>', got 'tensor<4xf32>'}}
  %fw, %fb = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %w {epsilon = 1.0e-5 : f32} : tensor<3x2xf32>, tensor<4xf32>
  return %fb : tensor<4xf32>
}

// -----

func.func @f(%w: tensor<3x2xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'nn.batch_norm_fold' op epsilon must be > 0, got -1.000000e+00}}
  %fw, %fb = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %w {epsilon = -1.0 : f32} : tensor<3x2xf32>, tensor<3xf32>
  return %fb : tensor<3xf32>
}

// -----

func.func @f(%x: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'nn.bias_add' op bias must be [C] for the input 'tensor<4x3xf32>', got 'tensor<4xf32>'}}
  %y = nn.bias_add %x, %b : tensor<4x3xf32>, tensor<4xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @f(%x: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'nn.bias_add' op alpha must be in [0, 1), got -1.000000e+00}}
  %y = nn.bias_add %x, %b then leaky_relu {alpha = -1.0 : f32} : tensor<4x3xf32>, tensor<3xf32>
  return %y : tensor<4x3xf32>
}
