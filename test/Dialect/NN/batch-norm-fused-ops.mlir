// Round trip of the ops that nn-fuse-batchnorm and nn-fold-batchnorm create.
// RUN: nnc-opt %s | FileCheck %s
// RUN: nnc-opt %s | nnc-opt | FileCheck %s
// RUN: nnc-opt %s -mlir-print-op-generic | nnc-opt | FileCheck %s

// CHECK-LABEL: nn.model @m
nn.model @m {
  nn.param @bn.weight : tensor<3xf32> init = #nn.ones
  nn.param @bn.bias : tensor<3xf32> init = #nn.zeros
  nn.param @bn.running_mean : tensor<3xf32> init = #nn.zeros buffer
  nn.param @bn.running_var : tensor<3xf32> init = #nn.ones buffer
  func.func @f(%x: tensor<4x3x2x2xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xf32>, %dy: tensor<4x3x2x2xf32>) {
    // CHECK: nn.batch_norm_act %{{.*}}, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then leaky_relu {alpha = 1.000000e-01 : f32, training} : tensor<4x3x2x2xf32>
    %a = nn.batch_norm_act %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var then leaky_relu {alpha = 0.1 : f32, training} : tensor<4x3x2x2xf32>
    // CHECK: nn.batch_norm_act %{{.*}}, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3x2x2xf32>
    %n = nn.batch_norm_act %x, @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var : tensor<4x3x2x2xf32>
    // CHECK: nn.batch_norm_act_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} then{{ +}}relu {epsilon = 9.99999974E-6 : f32} : tensor<4x3x2x2xf32>, tensor<3xf32>
    %dx, %dg, %db = nn.batch_norm_act_grad %x, %a, %dy, %b, %b then relu {epsilon = 1.0e-5 : f32} : tensor<4x3x2x2xf32>, tensor<3xf32>
    // CHECK: nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<3x2x3x3xf32>, tensor<3xf32>
    %fw, %fb = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %w, %b {epsilon = 1.0e-5 : f32} : tensor<3x2x3x3xf32>, tensor<3xf32>
    // CHECK: nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<3x2x3x3xf32>, tensor<3xf32>
    %gw, %gb = nn.batch_norm_fold @bn.weight, @bn.bias, @bn.running_mean, @bn.running_var into %w {epsilon = 1.0e-5 : f32} : tensor<3x2x3x3xf32>, tensor<3xf32>
    // CHECK: nn.bias_add %{{.*}}, %{{.*}} : tensor<4x3x2x2xf32>, tensor<3xf32>
    %y = nn.bias_add %x, %fb : tensor<4x3x2x2xf32>, tensor<3xf32>
    // CHECK: nn.bias_add %{{.*}}, %{{.*}} then elu {alpha = 5.000000e-01 : f32} : tensor<4x3x2x2xf32>, tensor<3xf32>
    %z = nn.bias_add %x, %fb then elu {alpha = 0.5 : f32} : tensor<4x3x2x2xf32>, tensor<3xf32>
    return
  }
}
