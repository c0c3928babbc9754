// RUN: nnc-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{hyperparameter 'lr' must be a float > 0}}
nn.model @m attributes {lr = -1.0} {
}

// -----

// expected-error @+1 {{hyperparameter 'clip_norm' must be a float >= 0}}
nn.model @m attributes {clip_norm = -0.5} {
}

// -----

// expected-error @+1 {{hyperparameter 'noise' must be a float >= 0}}
nn.model @m attributes {noise = "a lot"} {
}

// -----

// expected-error @+1 {{hyperparameter 'epochs' must be an integer >= 1}}
nn.model @m attributes {epochs = 0} {
}

// -----

// expected-error @+1 {{must contain at most one nn.forward, found 2}}
nn.model @m {
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi32>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<2x3xf32>, tensor<f32>
  }
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi32>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  // expected-error @+1 {{initializer #nn.kaiming_normal: fan_in and fan_out cannot be computed for a tensor with fewer than 2 dimensions}}
  nn.param @fc.bias : tensor<4xf32> init = #nn.kaiming_normal
}

// -----

nn.model @m {
  // expected-error @+1 {{initializer #nn.xavier_uniform: fan_in and fan_out cannot be computed}}
  nn.param @fc.bias : tensor<4xf32> init = #nn.xavier_uniform
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter dimension 0 is 0: every dimension must be >= 1}}
  nn.param @fc.bias : tensor<0xf32> init = #nn.zeros
}

// -----

nn.model @m {
  // expected-error @+1 {{'nn.param' op attribute 'type' failed to satisfy constraint}}
  nn.param @fc.bias : tensor<?xf32> init = #nn.zeros
}

// -----

// expected-error @+1 {{'nn.param' op expects parent op 'nn.model'}}
nn.param @fc.bias : tensor<4xf32> init = #nn.zeros

// -----

nn.model @m {
  // expected-error @+1 {{takes the input batch and its targets, got 1 arguments}}
  nn.forward(%x: tensor<2x3xf32>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  // expected-error @+1 {{input must be a static f32 tensor [batch, ...]}}
  nn.forward(%x: tensor<?x3xf32>, %y: tensor<2xi32>) {
    %c = arith.constant dense<0.0> : tensor<2x3xf32>
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %c, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  // expected-error @+1 {{targets must be a static i32 or f32 tensor}}
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi64>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  // expected-error @+1 {{input and targets disagree on the batch size: 2 vs 3}}
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<3xi32>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi32>) {
    // expected-error @+1 {{'nn.dense' op weight @fc.weight does not name an nn.param}}
    %h = nn.dense %x, @fc.weight : tensor<2x3xf32> -> tensor<2x4xf32>
    %l = nn.softmax_cross_entropy %h, %y : tensor<2x4xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %h, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi32>) {
    // expected-error @+1 {{'nn.dense' op weight @fc.weight must be 'tensor<4x3xf32>', but the parameter is 'tensor<3x4xf32>'}}
    %h = nn.dense %x, @fc.weight : tensor<2x3xf32> -> tensor<2x4xf32>
    %l = nn.softmax_cross_entropy %h, %y : tensor<2x4xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %h, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<4x3xf32> init = #nn.xavier_uniform
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi32>) {
    // expected-error @+1 {{'nn.dense' op bias @fc.bias must be 'tensor<4xf32>', but the parameter is 'tensor<3xf32>'}}
    %h = nn.dense %x, @fc.weight, @fc.bias : tensor<2x3xf32> -> tensor<2x4xf32>
    %l = nn.softmax_cross_entropy %h, %y : tensor<2x4xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %h, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<4x3xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x3xf32>, %y: tensor<2xi32>) {
    // expected-error @+1 {{'nn.dense' op batch size changes from 2 to 5}}
    %h = nn.dense %x, @fc.weight : tensor<2x3xf32> -> tensor<5x4xf32>
    %c = arith.constant dense<0.0> : tensor<2x4xf32>
    %l = nn.softmax_cross_entropy %c, %y : tensor<2x4xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %c, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<4x3xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x3x1xf32>, %y: tensor<2xi32>) {
    // expected-error @+1 {{'nn.dense' op input and output must be [batch, features]}}
    %h = nn.dense %x, @fc.weight : tensor<2x3x1xf32> -> tensor<2x4xf32>
    %l = nn.softmax_cross_entropy %h, %y : tensor<2x4xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %h, %l : tensor<2x4xf32>, tensor<f32>
  }
}

// -----

func.func @f(%x: tensor<2x3x4xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{'nn.flatten' op result must be [2, 12], got 'tensor<2x10xf32>'}}
  %f = nn.flatten %x : tensor<2x3x4xf32> -> tensor<2x10xf32>
  return %f : tensor<2x10xf32>
}

// -----

func.func @f(%x: tensor<6xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'nn.flatten' op input must have a batch dimension and at least one more}}
  %f = nn.flatten %x : tensor<6xf32> -> tensor<6xf32>
  return %f : tensor<6xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.leaky_relu' op alpha must be in [0, 1), got -1.000000e-01}}
  %a = nn.leaky_relu %x {alpha = -0.1 : f32} : tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.elu' op alpha must be > 0, got 0.000000e+00}}
  %a = nn.elu %x {alpha = 0.0 : f32} : tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.relu' op requires the same type for all operands and results}}
  %a = "nn.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %x : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  // expected-error @+1 {{'nn.relu' op operand #0 must be statically shaped tensor of 32-bit float values}}
  %a = nn.relu %x : tensor<2x3xf16>
  return %a : tensor<2x3xf16>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<3xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op labels must be [2] class indices, got 'tensor<3xi32>'}}
  %l = nn.softmax_cross_entropy %x, %y : tensor<2x3xf32>, tensor<3xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @f(%x: tensor<2x1xf32>, %y: tensor<2xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op needs at least 2 classes, got 1}}
  %l = nn.softmax_cross_entropy %x, %y : tensor<2x1xf32>, tensor<2xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @f(%x: tensor<2x3x4xf32>, %y: tensor<2xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op logits must be [batch, classes]}}
  %l = nn.softmax_cross_entropy %x, %y : tensor<2x3x4xf32>, tensor<2xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.mse' op failed to verify that all of {input, target} have same type}}
  %l = "nn.mse"(%x, %y) : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @f(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'nn.matmul' op contraction sizes differ: 3 vs 4}}
  %m = nn.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return %m : tensor<2x5xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'nn.matmul' op result must be 2x5, got 'tensor<2x4xf32>'}}
  %m = nn.matmul %a, %b : tensor<2x3xf32>, tensor<3x5xf32> -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

func.func @f(%a: tensor<2x3x1xf32>, %b: tensor<3x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'nn.matmul' op operands and result must be matrices}}
  %m = nn.matmul %a, %b : tensor<2x3x1xf32>, tensor<3x5xf32> -> tensor<2x5xf32>
  return %m : tensor<2x5xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'nn.reduce_sum' op dims must be increasing and in [0, 2)}}
  %s = nn.reduce_sum %a {dims = array<i64: 2>} : tensor<2x3xf32> -> tensor<3xf32>
  return %s : tensor<3xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.reduce_sum' op result shape does not match the kept dimensions}}
  %s = nn.reduce_sum %a {dims = array<i64: 0>} : tensor<2x3xf32> -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'nn.reshape' op element counts differ}}
  %s = nn.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return %s : tensor<7xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.global_norm' op needs one parameter name per gradient}}
  %n = nn.global_norm %a {params = []} : tensor<2x3xf32> -> tensor<f32>
  return %n : tensor<f32>
}

// -----

nn.model @m {
  nn.param @fc.weight : tensor<4x3xf32> init = #nn.xavier_uniform
  func.func @f() -> tensor<3x4xf32> {
    // expected-error @+1 {{'nn.read_param' op parameter @fc.weight must be 'tensor<3x4xf32>', but the parameter is 'tensor<4x3xf32>'}}
    %w = nn.read_param @fc.weight : tensor<3x4xf32>
    return %w : tensor<3x4xf32>
  }
}

// -----

nn.model @m {
  func.func @f(%g: tensor<4x3xf32>, %s: f32, %seed: i64) {
    // expected-error @+1 {{'nn.sgd_update' op parameter @fc.weight does not name an nn.param}}
    nn.sgd_update @fc.weight, %g, %s, %s, %s, %seed, %seed {stream = 0 : i64} : tensor<4x3xf32>
    return
  }
}

// -----

// The manifest carries integers up to 2^53 exactly.
// expected-error @+1 {{hyperparameter 'seed' must be an integer >= 0 and <= 2^53}}
nn.model @m attributes {seed = 9007199254740993} {
}

// -----

// expected-error @+1 {{hyperparameter 'seed' must be an integer >= 0 and <= 2^53}}
nn.model @m attributes {seed = 18446744073709551617 : i128} {
}

// -----

// expected-error @+1 {{unknown hyperparameter 'momentum' (known: lr, clip_norm, noise, epochs, seed)}}
nn.model @m attributes {lr = 0.1, momentum = 0.9} {
}

// -----

// A hyperparameter spelt as an nn dialect attribute would be ignored.
// expected-error @+1 {{unknown nn dialect attribute 'nn.momentum' (hyperparameters have no 'nn.' prefix)}}
nn.model @m attributes {lr = 0.1, nn.momentum = 0.9} {
}

// -----

// expected-error @+1 {{unknown nn dialect attribute 'nn.lr'}}
func.func @f() attributes {nn.lr = 0.1} {
  return
}

// -----

// expected-error @+1 {{'nn.params' must be an array of parameter symbols}}
func.func @gradient() attributes {nn.params = ["w"]} {
  return
}

// -----

nn.model @outer {
  // expected-error @+1 {{'nn.model' op must not be nested in another nn.model}}
  nn.model @inner {
  }
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter name '__metadata__' is reserved by safetensors checkpoints}}
  nn.param @__metadata__ : tensor<10xf32> init = #nn.zeros
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter name 'fc bias' may hold only letters, digits, '_', '.' and '-'}}
  nn.param @"fc bias" : tensor<10xf32> init = #nn.zeros
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter name 'a,b' may hold only letters, digits, '_', '.' and '-'}}
  nn.param @"a,b" : tensor<10xf32> init = #nn.zeros
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter name must not be empty}}
  nn.param @"" : tensor<10xf32> init = #nn.zeros
}

// -----

nn.model @m {
  // expected-error @+1 {{initializer #nn.kaiming_normal<gain = -1.000000e+00> gives no finite f32 distribution}}
  nn.param @w : tensor<10x784xf32> init = #nn.kaiming_normal<gain = -1.0>
}

// -----

nn.model @m {
  // expected-error @+1 {{gives no finite f32 distribution (its gain must be >= 0 and its values within the range of f32)}}
  nn.param @w : tensor<10x784xf32> init = #nn.xavier_uniform<gain = 1.0e400>
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter 'tensor<10x4000000000xf32>' is larger than 2 GiB}}
  nn.param @w : tensor<10x4000000000xf32> init = #nn.zeros
}

// -----

nn.model @m {
  // expected-error @+1 {{parameter dimension 1 is 0: every dimension must be >= 1}}
  nn.param @w : tensor<10x0xf32> init = #nn.zeros
}

// -----

nn.model @m {
  nn.param @w : tensor<10x784xf32> init = #nn.zeros
  // expected-error @+1 {{'nn.forward' op input dimension 0 is 0: every dimension must be >= 1}}
  nn.forward(%x: tensor<0x784xf32>, %y: tensor<0xi32>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<0x784xf32>, tensor<f32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<10x784xf32> init = #nn.zeros
  // expected-error @+1 {{'nn.forward' op input dimension 2 is 0: every dimension must be >= 1}}
  nn.forward(%x: tensor<4x1x0x28xf32>, %y: tensor<4xi32>) {
    %l = arith.constant dense<0.0> : tensor<f32>
    nn.return %x, %l : tensor<4x1x0x28xf32>, tensor<f32>
  }
}

// -----

// Finite as a double, infinite as the f32 the state holds.
nn.model @m {
  // expected-error @+1 {{gives no finite f32 distribution (its gain must be >= 0 and its values within the range of f32)}}
  nn.param @b : tensor<10xf32> init = #nn.constant<1.0e39>
}

// -----

nn.model @m {
  // expected-error @+1 {{gives no finite f32 distribution}}
  nn.param @w : tensor<10x784xf32> init = #nn.xavier_uniform<gain = 1.0e300>
}

// -----

// A symbol's visibility is the symbol table's, not a hyperparameter.
nn.model @m attributes {sym_visibility = "private", lr = 0.1} {
  // expected-error @+1 {{parameter dimension 0 is 0}}
  nn.param @b : tensor<0xf32> init = #nn.zeros
}
