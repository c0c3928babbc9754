// RUN: nnc-opt %s -split-input-file -verify-diagnostics

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op stride must be >= 1, got 0}}
    %c = nn.conv2d %x, @w {stride = array<i64: 0, 1>} : tensor<2x1x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op padding must be >= 0, got -1}}
    %c = nn.conv2d %x, @w {padding = array<i64: -1, 1>} : tensor<2x1x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op dilation must be >= 1, got 0}}
    %c = nn.conv2d %x, @w {dilation = array<i64: 1, 0>} : tensor<2x1x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op input must be NCHW}}
    %c = nn.conv2d %x, @w : tensor<2x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x2x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+1 {{'nn.conv2d' op weight @w must be [out, 1, kh, kw], but the parameter is 'tensor<4x2x3x3xf32>'}}
    %c = nn.conv2d %x, @w : tensor<2x1x8x8xf32> -> tensor<2x4x6x6xf32>
    return %c : tensor<2x4x6x6xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op output must be 2x4x6x6, got 'tensor<2x4x8x8xf32>'}}
    %c = nn.conv2d %x, @w : tensor<2x1x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x5x5xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x3x3xf32>) -> tensor<2x4x1x1xf32> {
    // expected-error @+1 {{'nn.conv2d' op window does not fit the input: 3 + 2*0 is smaller than the kernel extent 5}}
    %c = nn.conv2d %x, @w : tensor<2x1x3x3xf32> -> tensor<2x4x1x1xf32>
    return %c : tensor<2x4x1x1xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @b : tensor<3xf32> init = #nn.zeros
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+1 {{'nn.conv2d' op bias @b must be 'tensor<4xf32>', but the parameter is 'tensor<3xf32>'}}
    %c = nn.conv2d %x, @w, @b : tensor<2x1x8x8xf32> -> tensor<2x4x6x6xf32>
    return %c : tensor<2x4x6x6xf32>
  }
}

// -----

nn.model @m {
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+1 {{'nn.conv2d' op weight @w does not name an nn.param}}
    %c = nn.conv2d %x, @w : tensor<2x1x8x8xf32> -> tensor<2x4x6x6xf32>
    return %c : tensor<2x4x6x6xf32>
  }
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op kernel must be >= 1, got 0}}
  %p = nn.max_pool2d %x {kernel = array<i64: 0, 2>} : tensor<2x3x8x8xf32> -> tensor<2x3x4x4xf32>
  return %p : tensor<2x3x4x4xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x5x5xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op padding must be at most half the kernel, got 2 for kernel 2}}
  %p = nn.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 2, 2>} : tensor<2x3x8x8xf32> -> tensor<2x3x5x5xf32>
  return %p : tensor<2x3x5x5xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x3x3xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op output must be 2x3x4x4, got 'tensor<2x3x3x3xf32>'}}
  %p = nn.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<2x3x8x8xf32> -> tensor<2x3x3x3xf32>
  return %p : tensor<2x3x3x3xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op stride must be >= 1, got 0}}
  %p = nn.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 0, 0>} : tensor<2x3x8x8xf32> -> tensor<2x3x4x4xf32>
  return %p : tensor<2x3x4x4xf32>
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xf32> {
    // expected-error @+1 {{'nn.batch_norm' op needs more than one value per channel to compute batch statistics in training, got 1}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<1x3x1x1xf32>
    return %n : tensor<1x3x1x1xf32>
  }
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.batch_norm' op epsilon must be > 0, got 0.000000e+00}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var {epsilon = 0.0 : f32} : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.batch_norm' op momentum must be in [0, 1], got 1.500000e+00}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var {momentum = 1.5 : f32} : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

func.func @f(%x: tensor<4x3x2xf32>) -> tensor<4x3x2xf32> {
  // expected-error @+1 {{'nn.batch_norm' op input must be [N, C] or [N, C, H, W], got 'tensor<4x3x2xf32>'}}
  %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3x2xf32>
  return %n : tensor<4x3x2xf32>
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.batch_norm' op running_mean @bn.running_mean must be declared `buffer`}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones buffer
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.batch_norm' op weight @bn.weight must be a parameter, not a buffer}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @bn.weight : tensor<4xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.batch_norm' op weight @bn.weight must be 'tensor<3xf32>', but the parameter is 'tensor<4xf32>'}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  // expected-error @+1 {{'nn.param' op a buffer is never trained: `frozen` is redundant}}
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones frozen buffer
}

// -----

nn.model @m {
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3xf32>) {
    // expected-error @+1 {{'nn.batch_norm_update_stats' op running_mean @bn.running_mean must be declared `buffer`}}
    nn.batch_norm_update_stats %x, @bn.running_mean, @bn.running_var {momentum = 0.1 : f32} : tensor<4x3xf32>
    return
  }
}

// -----

nn.model @m {
  nn.param @ln.weight : tensor<3xf32> init = #nn.ones
  nn.param @ln.bias : tensor<3xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.layer_norm' op epsilon must be > 0, got -1.000000e+00}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias {epsilon = -1.0 : f32} : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.layer_norm' op input must be [N, ...], got 'tensor<4xf32>'}}
  %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4xf32>
  return %n : tensor<4xf32>
}

// -----

nn.model @m {
  nn.param @ln.bias : tensor<3xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.layer_norm' op weight @ln.weight does not name an nn.param}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @ln.weight : tensor<2x5xf32> init = #nn.ones
  nn.param @ln.bias : tensor<2x5xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x5x2xf32>) -> tensor<4x5x2xf32> {
    // expected-error @+1 {{'nn.layer_norm' op weight @ln.weight must span trailing dimensions of 'tensor<4x5x2xf32>' after the batch dimension, but the parameter is 'tensor<2x5xf32>'}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4x5x2xf32>
    return %n : tensor<4x5x2xf32>
  }
}

// -----

nn.model @m {
  nn.param @ln.weight : tensor<4x3xf32> init = #nn.ones
  nn.param @ln.bias : tensor<4x3xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.layer_norm' op weight @ln.weight must span trailing dimensions of 'tensor<4x3xf32>' after the batch dimension, but the parameter is 'tensor<4x3xf32>'}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @ln.weight : tensor<3xf32> init = #nn.ones buffer
  nn.param @ln.bias : tensor<3xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.layer_norm' op weight @ln.weight must be a parameter, not a buffer}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @ln.weight : tensor<3xf32> init = #nn.ones
  nn.param @ln.bias : tensor<1x3xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.layer_norm' op bias @ln.bias must be 'tensor<3xf32>', but the parameter is 'tensor<1x3xf32>'}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @ln.weight : tensor<3xf32> init = #nn.ones
  nn.param @ln.bias : tensor<3xf32> init = #nn.zeros buffer
  func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.layer_norm' op bias @ln.bias must be a parameter, not a buffer}}
    %n = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<4x3xf32>
    return %n : tensor<4x3xf32>
  }
}

// -----

func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
  // expected-error @+1 {{'nn.group_norm' op groups must be >= 1 and divide the 6 channels, got 4}}
  %n = nn.group_norm %x {groups = 4 : i64} : tensor<4x6x2x2xf32>
  return %n : tensor<4x6x2x2xf32>
}

// -----

func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
  // expected-error @+1 {{'nn.group_norm' op groups must be >= 1 and divide the 6 channels, got 0}}
  %n = nn.group_norm %x {groups = 0 : i64} : tensor<4x6x2x2xf32>
  return %n : tensor<4x6x2x2xf32>
}

// -----

func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
  // expected-error @+1 {{'nn.group_norm' op epsilon must be > 0, got 0.000000e+00}}
  %n = nn.group_norm %x {groups = 2 : i64, epsilon = 0.0 : f32} : tensor<4x6x2x2xf32>
  return %n : tensor<4x6x2x2xf32>
}

// -----

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.group_norm' op input must be [N, C, ...], got 'tensor<4xf32>'}}
  %n = nn.group_norm %x {groups = 2 : i64} : tensor<4xf32>
  return %n : tensor<4xf32>
}

// -----

nn.model @m {
  nn.param @gn.weight : tensor<6xf32> init = #nn.ones
  func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
    // expected-error @+1 {{'nn.group_norm' op takes both weight and bias (affine) or neither}}
    %n = nn.group_norm %x, @gn.weight {groups = 2 : i64} : tensor<4x6x2x2xf32>
    return %n : tensor<4x6x2x2xf32>
  }
}

// -----

nn.model @m {
  nn.param @gn.weight : tensor<3xf32> init = #nn.ones
  nn.param @gn.bias : tensor<6xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
    // expected-error @+1 {{'nn.group_norm' op weight @gn.weight must be 'tensor<6xf32>', but the parameter is 'tensor<3xf32>'}}
    %n = nn.group_norm %x, @gn.weight, @gn.bias {groups = 2 : i64} : tensor<4x6x2x2xf32>
    return %n : tensor<4x6x2x2xf32>
  }
}

// -----

nn.model @m {
  nn.param @gn.weight : tensor<6xf32> init = #nn.ones
  nn.param @gn.bias : tensor<6xf32> init = #nn.zeros buffer
  func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
    // expected-error @+1 {{'nn.group_norm' op bias @gn.bias must be a parameter, not a buffer}}
    %n = nn.group_norm %x, @gn.weight, @gn.bias {groups = 2 : i64} : tensor<4x6x2x2xf32>
    return %n : tensor<4x6x2x2xf32>
  }
}

// -----

func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
  // expected-error @+1 {{'nn.instance_norm' op epsilon must be > 0, got 0.000000e+00}}
  %n = nn.instance_norm %x {epsilon = 0.0 : f32} : tensor<4x6x2x2xf32>
  return %n : tensor<4x6x2x2xf32>
}

// -----

func.func @f(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'nn.instance_norm' op input must be [N, C, spatial...], got 'tensor<4x6xf32>'}}
  %n = nn.instance_norm %x : tensor<4x6xf32>
  return %n : tensor<4x6xf32>
}

// -----

func.func @f(%x: tensor<4x6x1x1xf32>) -> tensor<4x6x1x1xf32> {
  // expected-error @+1 {{'nn.instance_norm' op needs more than one spatial element per channel, got 1}}
  %n = nn.instance_norm %x : tensor<4x6x1x1xf32>
  return %n : tensor<4x6x1x1xf32>
}

// -----

nn.model @m {
  nn.param @in.bias : tensor<6xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
    // expected-error @+1 {{'nn.instance_norm' op takes both weight and bias (affine) or neither}}
    %n = nn.instance_norm %x {bias = @in.bias} : tensor<4x6x2x2xf32>
    return %n : tensor<4x6x2x2xf32>
  }
}

// -----

nn.model @m {
  nn.param @in.weight : tensor<6xf32> init = #nn.ones
  nn.param @in.bias : tensor<6xf32> init = #nn.zeros
  func.func @f(%x: tensor<4x6x2x2xf32>) -> tensor<4x6x2x2xf32> {
    // expected-error @+1 {{'nn.instance_norm' op weight @in.wieght does not name an nn.param}}
    %n = nn.instance_norm %x, @in.wieght, @in.bias : tensor<4x6x2x2xf32>
    return %n : tensor<4x6x2x2xf32>
  }
}

// -----

func.func @f(%x: tensor<2x3x4xf32>, %g: tensor<3x1xf32>) {
  // expected-error @+1 {{'nn.sample_norm_grad' op input must be the [rows, groups, channels, elements] view, got 'tensor<2x3x4xf32>'}}
  %s:3 = nn.sample_norm_grad %x, %x, %g {epsilon = 1.0e-5 : f32} : tensor<2x3x4xf32> -> tensor<3x1xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x1x4xf32>, %g: tensor<3x2xf32>) {
  // expected-error @+1 {{'nn.sample_norm_grad' op weight gradient must be 'tensor<3x1xf32>', got 'tensor<3x2xf32>'}}
  %s:3 = nn.sample_norm_grad %x, %x, %g {epsilon = 1.0e-5 : f32} : tensor<2x3x1x4xf32> -> tensor<3x2xf32>
  return
}

// -----

nn.model @m {
  nn.param @w : tensor<4x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x3xf32>, %w: tensor<4x3xf32>) -> tensor<2x4xf32> {
    // expected-error @+1 {{'nn.dense' op takes its weight as a parameter or as a value, not both}}
    %h = "nn.dense"(%x, %w) {weight = @w, operandSegmentSizes = array<i32: 1, 1>} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
    return %h : tensor<2x4xf32>
  }
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'nn.dense' op takes its weight as a parameter or as a value, not neither}}
  %h = "nn.dense"(%x) {operandSegmentSizes = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %h : tensor<2x4xf32>
}

// -----

nn.model @m {
  func.func @f(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
    // expected-error @+1 {{'nn.dense' op weight must be 'tensor<4x3xf32>', got 'tensor<3x4xf32>'}}
    %h = nn.dense %x, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
    return %h : tensor<2x4xf32>
  }
}

// -----

nn.model @m {
  func.func @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+1 {{'nn.conv2d' op weight must be [out, 1, kh, kw], but it is 'tensor<4x2x3x3xf32>'}}
    %c = nn.conv2d %x, %w : tensor<2x1x8x8xf32>, tensor<4x2x3x3xf32> -> tensor<2x4x6x6xf32>
    return %c : tensor<2x4x6x6xf32>
  }
}

// -----

nn.model @m {
  nn.param @wn.weight_g : tensor<4x1xf32> init = #nn.ones
  nn.param @wn.weight_v : tensor<4x3xf32> init = #nn.kaiming_normal
  func.func @f() -> tensor<4x3x1xf32> {
    // expected-error @+1 {{'nn.weight_norm' op weight_g @wn.weight_g must be 'tensor<4x1x1xf32>', but the parameter is 'tensor<4x1xf32>'}}
    %w = nn.weight_norm @wn.weight_g, @wn.weight_v : tensor<4x3x1xf32>
    return %w : tensor<4x3x1xf32>
  }
}

// -----

nn.model @m {
  nn.param @wn.weight_g : tensor<4x1xf32> init = #nn.ones
  nn.param @wn.weight_v : tensor<3x4xf32> init = #nn.kaiming_normal
  func.func @f() -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.weight_norm' op weight_v @wn.weight_v must be 'tensor<4x3xf32>', but the parameter is 'tensor<3x4xf32>'}}
    %w = nn.weight_norm @wn.weight_g, @wn.weight_v : tensor<4x3xf32>
    return %w : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @wn.weight_g : tensor<4x1xf32> init = #nn.ones buffer
  nn.param @wn.weight_v : tensor<4x3xf32> init = #nn.kaiming_normal
  func.func @f() -> tensor<4x3xf32> {
    // expected-error @+1 {{'nn.weight_norm' op weight_g @wn.weight_g must be a parameter, not a buffer}}
    %w = nn.weight_norm @wn.weight_g, @wn.weight_v : tensor<4x3xf32>
    return %w : tensor<4x3xf32>
  }
}

// -----

nn.model @m {
  nn.param @wn.weight_g : tensor<4xf32> init = #nn.ones
  nn.param @wn.weight_v : tensor<4xf32> init = #nn.ones
  func.func @f() -> tensor<4xf32> {
    // expected-error @+1 {{'nn.weight_norm' op weight must be [out, ...] with at least 2 dimensions, got 'tensor<4xf32>'}}
    %w = nn.weight_norm @wn.weight_g, @wn.weight_v : tensor<4xf32>
    return %w : tensor<4xf32>
  }
}

// -----

// Window attributes are bounded, so that their int64 arithmetic cannot
// overflow (a dilation of 2^62 wrapped around before).
nn.model @m {
  nn.param @w : tensor<4x1x5x5xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op dilation must be <= 16777216, got 4611686018427387904}}
    %c = nn.conv2d %x, @w {dilation = array<i64: 4611686018427387904, 1>} : tensor<2x1x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

nn.model @m {
  nn.param @w : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  func.func @f(%x: tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+1 {{'nn.conv2d' op padding must be <= 16777216, got 9223372036854775807}}
    %c = nn.conv2d %x, @w {padding = array<i64: 9223372036854775807, 1>} : tensor<2x1x8x8xf32> -> tensor<2x4x8x8xf32>
    return %c : tensor<2x4x8x8xf32>
  }
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op kernel must be <= 16777216, got 16777217}}
  %p = nn.max_pool2d %x {kernel = array<i64: 16777217, 2>} : tensor<2x3x8x8xf32> -> tensor<2x3x4x4xf32>
  return %p : tensor<2x3x4x4xf32>
}

// -----

// One buffer in two roles would take both roles' updates.
nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  func.func @f(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
    // expected-error @+1 {{'nn.batch_norm' op running_mean and running_var must be different buffers, got @bn.running_mean for both}}
    %n = nn.batch_norm %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_mean : tensor<2x3x4x4xf32>
    return %n : tensor<2x3x4x4xf32>
  }
}

// -----

nn.model @m {
  nn.param @bn.affine : tensor<3xf32> init = #nn.ones
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
    // expected-error @+1 {{'nn.batch_norm' op weight and bias must be different parameters, got @bn.affine for both}}
    %n = nn.batch_norm %x, @bn.affine, @bn.affine, @bn.running_mean, @bn.running_var : tensor<2x3x4x4xf32>
    return %n : tensor<2x3x4x4xf32>
  }
}
