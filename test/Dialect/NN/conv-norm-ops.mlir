// RUN: nnc-opt %s | FileCheck %s
// RUN: nnc-opt %s | nnc-opt | FileCheck %s
// RUN: nnc-opt %s -mlir-print-op-generic | nnc-opt | FileCheck %s

// CHECK-LABEL: nn.model @cnn
nn.model @cnn {
  nn.param @conv1.weight : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @conv1.bias : tensor<4xf32> init = #nn.zeros
  // CHECK: nn.param @bn1.running_mean : tensor<4xf32> init = #nn.zeros buffer
  nn.param @bn1.weight : tensor<4xf32> init = #nn.ones
  nn.param @bn1.bias : tensor<4xf32> init = #nn.zeros
  nn.param @bn1.running_mean : tensor<4xf32> init = #nn.zeros buffer
  nn.param @bn1.running_var : tensor<4xf32> init = #nn.ones buffer
  nn.param @fc.weight : tensor<10x36xf32> init = #nn.kaiming_normal
  nn.forward(%x: tensor<8x1x12x12xf32>, %y: tensor<8xi32>) {
    // CHECK: nn.conv2d %{{.*}}, @conv1.weight, @conv1.bias {padding = array<i64: 1, 1>} : tensor<8x1x12x12xf32> -> tensor<8x4x12x12xf32>
    %c = nn.conv2d %x, @conv1.weight, @conv1.bias {padding = array<i64: 1, 1>} : tensor<8x1x12x12xf32> -> tensor<8x4x12x12xf32>
    // CHECK: nn.batch_norm %{{.*}}, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<8x4x12x12xf32>
    %n = nn.batch_norm %c, @bn1.weight, @bn1.bias, @bn1.running_mean, @bn1.running_var : tensor<8x4x12x12xf32>
    %a = nn.relu %n : tensor<8x4x12x12xf32>
    // CHECK: nn.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>} : tensor<8x4x12x12xf32> -> tensor<8x4x6x6xf32>
    %p = nn.max_pool2d %a {kernel = array<i64: 2, 2>} : tensor<8x4x12x12xf32> -> tensor<8x4x6x6xf32>
    // CHECK: nn.avg_pool2d %{{.*}} {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<8x4x6x6xf32> -> tensor<8x4x3x3xf32>
    %q = nn.avg_pool2d %p {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<8x4x6x6xf32> -> tensor<8x4x3x3xf32>
    %f = nn.flatten %q : tensor<8x4x3x3xf32> -> tensor<8x36xf32>
    %z = nn.dense %f, @fc.weight : tensor<8x36xf32> -> tensor<8x10xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<8x10xf32>, tensor<8xi32> -> tensor<f32>
    nn.return %z, %l : tensor<8x10xf32>, tensor<f32>
  }
}

// CHECK-LABEL: nn.model @sample_norms
nn.model @sample_norms {
  nn.param @ln.weight : tensor<4x6x6xf32> init = #nn.ones
  nn.param @ln.bias : tensor<4x6x6xf32> init = #nn.zeros
  nn.param @gn.weight : tensor<4xf32> init = #nn.ones
  nn.param @gn.bias : tensor<4xf32> init = #nn.zeros
  nn.param @in.weight : tensor<4xf32> init = #nn.ones
  nn.param @in.bias : tensor<4xf32> init = #nn.zeros
  nn.param @fc.weight : tensor<10x144xf32> init = #nn.kaiming_normal
  nn.param @ln2.weight : tensor<10xf32> init = #nn.ones
  nn.param @ln2.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<8x4x6x6xf32>, %y: tensor<8xi32>) {
    // CHECK: nn.layer_norm %{{.*}}, @ln.weight, @ln.bias : tensor<8x4x6x6xf32>
    %a = nn.layer_norm %x, @ln.weight, @ln.bias : tensor<8x4x6x6xf32>
    // CHECK: nn.group_norm %{{.*}}, @gn.weight, @gn.bias {epsilon = 1.000000e-03 : f32, groups = 2 : i64} : tensor<8x4x6x6xf32>
    %b = nn.group_norm %a, @gn.weight, @gn.bias {groups = 2 : i64, epsilon = 1.0e-3 : f32} : tensor<8x4x6x6xf32>
    // CHECK: nn.group_norm %{{.*}} {groups = 4 : i64} : tensor<8x4x6x6xf32>
    %c = nn.group_norm %b {groups = 4 : i64} : tensor<8x4x6x6xf32>
    // CHECK: nn.instance_norm %{{.*}}, @in.weight, @in.bias : tensor<8x4x6x6xf32>
    %d = nn.instance_norm %c, @in.weight, @in.bias : tensor<8x4x6x6xf32>
    // CHECK: nn.instance_norm %{{.*}} : tensor<8x4x6x6xf32>
    %e = nn.instance_norm %d : tensor<8x4x6x6xf32>
    %f = nn.flatten %e : tensor<8x4x6x6xf32> -> tensor<8x144xf32>
    %h = nn.dense %f, @fc.weight : tensor<8x144xf32> -> tensor<8x10xf32>
    // CHECK: nn.layer_norm %{{.*}}, @ln2.weight, @ln2.bias : tensor<8x10xf32>
    %z = nn.layer_norm %h, @ln2.weight, @ln2.bias {epsilon = 1.0e-5 : f32} : tensor<8x10xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<8x10xf32>, tensor<8xi32> -> tensor<f32>
    nn.return %z, %l : tensor<8x10xf32>, tensor<f32>
  }
}

// CHECK-LABEL: nn.model @weight_norms
nn.model @weight_norms {
  nn.param @conv.weight_g : tensor<4x1x1x1xf32> init = #nn.ones
  nn.param @conv.weight_v : tensor<4x1x3x3xf32> init = #nn.kaiming_normal
  nn.param @fc.weight_g : tensor<10x1xf32> init = #nn.ones
  nn.param @fc.weight_v : tensor<10x144xf32> init = #nn.kaiming_normal
  nn.param @fc.bias : tensor<10xf32> init = #nn.zeros
  nn.forward(%x: tensor<8x1x8x8xf32>, %y: tensor<8xi32>) {
    // CHECK: %[[WC:.*]] = nn.weight_norm @conv.weight_g, @conv.weight_v : tensor<4x1x3x3xf32>
    %wc = nn.weight_norm @conv.weight_g, @conv.weight_v : tensor<4x1x3x3xf32>
    // CHECK: nn.conv2d %{{.*}}, %[[WC]] : tensor<8x1x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<8x4x6x6xf32>
    %c = nn.conv2d %x, %wc : tensor<8x1x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<8x4x6x6xf32>
    %f = nn.flatten %c : tensor<8x4x6x6xf32> -> tensor<8x144xf32>
    %wf = nn.weight_norm @fc.weight_g, @fc.weight_v : tensor<10x144xf32>
    // CHECK: nn.dense %{{.*}}, %{{.*}}, @fc.bias : tensor<8x144xf32>, tensor<10x144xf32> -> tensor<8x10xf32>
    %z = nn.dense %f, %wf, @fc.bias : tensor<8x144xf32>, tensor<10x144xf32> -> tensor<8x10xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<8x10xf32>, tensor<8xi32> -> tensor<f32>
    nn.return %z, %l : tensor<8x10xf32>, tensor<f32>
  }
}

// CHECK-LABEL: func.func @backward
func.func @backward(%x: tensor<2x3x6x6xf32>, %dy: tensor<2x4x6x6xf32>, %w: tensor<4x3x3x3xf32>,
                    %dp: tensor<2x3x3x3xf32>, %g: tensor<3xf32>, %dx: tensor<2x3x6x6xf32>) {
  // CHECK: nn.conv2d_input_grad
  %a = nn.conv2d_input_grad %dy, %w {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32> -> tensor<2x3x6x6xf32>
  // CHECK: nn.conv2d_weight_grad
  %b = nn.conv2d_weight_grad %x, %dy {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<2x3x6x6xf32>, tensor<2x4x6x6xf32> -> tensor<4x3x3x3xf32>
  // CHECK: nn.max_pool2d_grad
  %c = nn.max_pool2d_grad %x, %dp {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>} : tensor<2x3x6x6xf32>, tensor<2x3x3x3xf32>
  // CHECK: nn.avg_pool2d_grad
  %d = nn.avg_pool2d_grad %dp {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>} : tensor<2x3x3x3xf32> -> tensor<2x3x6x6xf32>
  // CHECK: nn.batch_norm_grad %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<2x3x6x6xf32>, tensor<3xf32>
  %e:3 = nn.batch_norm_grad %x, %dx, %g {epsilon = 1.0e-5 : f32} : tensor<2x3x6x6xf32>, tensor<3xf32>
  %v = nn.reshape %x : tensor<2x3x6x6xf32> -> tensor<2x3x1x36xf32>
  %gv = nn.reshape %g : tensor<3xf32> -> tensor<3x1xf32>
  // CHECK: nn.sample_norm_grad %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<2x3x1x36xf32> -> tensor<3x1xf32>
  %s:3 = nn.sample_norm_grad %v, %v, %gv {epsilon = 1.0e-5 : f32} : tensor<2x3x1x36xf32> -> tensor<3x1xf32>
  // CHECK: nn.sample_norm_grad %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<2x3x1x36xf32> -> tensor<3x1xf32>
  %t:3 = nn.sample_norm_grad %v, %v {epsilon = 1.0e-5 : f32} : tensor<2x3x1x36xf32> -> tensor<3x1xf32>
  %wg = nn.reshape %g : tensor<3xf32> -> tensor<3x1x1x1xf32>
  %wv = nn.reshape %dp : tensor<2x3x3x3xf32> -> tensor<3x2x3x3xf32>
  // CHECK: nn.weight_norm_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<3x1x1x1xf32>, tensor<3x2x3x3xf32>
  %u:2 = nn.weight_norm_grad %wg, %wv, %wv : tensor<3x1x1x1xf32>, tensor<3x2x3x3xf32>
  return
}
