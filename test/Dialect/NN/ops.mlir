// RUN: nnc-opt %s | FileCheck %s
// RUN: nnc-opt %s | nnc-opt | FileCheck %s
// RUN: nnc-opt %s -mlir-print-op-generic | nnc-opt | FileCheck %s

// CHECK-LABEL: nn.model @mlp attributes {clip_norm = 1.000000e+00 : f32, lr = 5.000000e-02 : f32}
nn.model @mlp attributes {lr = 0.05 : f32, clip_norm = 1.0 : f32} {
  // CHECK: nn.param @fc1.weight : tensor<16x12xf32> init = #nn.kaiming_normal
  // CHECK-NEXT: nn.param @fc1.bias : tensor<16xf32> init = #nn.zeros
  // CHECK-NEXT: nn.param @fc2.weight : tensor<4x16xf32> init = #nn.xavier_uniform frozen
  // CHECK-NEXT: nn.param @fc2.bias : tensor<4xf32> init = #nn.constant<5.000000e-01>
  // CHECK-NEXT: nn.param @fc3.weight : tensor<4x4xf32> init = #nn.kaiming_uniform<mode = fan_out, gain = 1.000000e+00>
  // CHECK-NEXT: nn.param @fc4.weight : tensor<4x4xf32> init = #nn.xavier_normal<gain = 2.000000e+00>
  // CHECK-NEXT: nn.param @fc5.weight : tensor<4x4xf32> init = #nn.pretrained
  // CHECK-NEXT: nn.param @fc5.bias : tensor<4xf32> init = #nn.ones
  nn.param @fc1.weight : tensor<16x12xf32> init = #nn.kaiming_normal
  nn.param @fc1.bias : tensor<16xf32> init = #nn.zeros
  nn.param @fc2.weight : tensor<4x16xf32> init = #nn.xavier_uniform frozen
  nn.param @fc2.bias : tensor<4xf32> init = #nn.constant<0.5>
  nn.param @fc3.weight : tensor<4x4xf32> init = #nn.kaiming_uniform<mode = fan_out, gain = 1.0>
  nn.param @fc4.weight : tensor<4x4xf32> init = #nn.xavier_normal<gain = 2.0>
  nn.param @fc5.weight : tensor<4x4xf32> init = #nn.pretrained
  nn.param @fc5.bias : tensor<4xf32> init = #nn.ones
  // CHECK: nn.forward(%[[X:.*]]: tensor<8x3x2x2xf32>, %[[Y:.*]]: tensor<8xi32>) {
  nn.forward(%x: tensor<8x3x2x2xf32>, %y: tensor<8xi32>) {
    // CHECK: %[[F:.*]] = nn.flatten %[[X]] : tensor<8x3x2x2xf32> -> tensor<8x12xf32>
    %f = nn.flatten %x : tensor<8x3x2x2xf32> -> tensor<8x12xf32>
    // CHECK: %[[H:.*]] = nn.dense %[[F]], @fc1.weight, @fc1.bias : tensor<8x12xf32> -> tensor<8x16xf32>
    %h = nn.dense %f, @fc1.weight, @fc1.bias : tensor<8x12xf32> -> tensor<8x16xf32>
    // CHECK: nn.relu %{{.*}} : tensor<8x16xf32>
    %a = nn.relu %h : tensor<8x16xf32>
    // CHECK: nn.sigmoid %{{.*}} : tensor<8x16xf32>
    %b = nn.sigmoid %a : tensor<8x16xf32>
    // CHECK: nn.tanh %{{.*}} : tensor<8x16xf32>
    %c = nn.tanh %b : tensor<8x16xf32>
    // CHECK: nn.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32} : tensor<8x16xf32>
    %d = nn.leaky_relu %c {alpha = 0.2 : f32} : tensor<8x16xf32>
    // CHECK: nn.elu %{{.*}} : tensor<8x16xf32>
    %e = nn.elu %d : tensor<8x16xf32>
    // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<8x16xf32>
    %r = nn.add %e, %h : tensor<8x16xf32>
    %o = nn.dense %r, @fc2.weight, @fc2.bias : tensor<8x16xf32> -> tensor<8x4xf32>
    %o3 = nn.dense %o, @fc3.weight : tensor<8x4xf32> -> tensor<8x4xf32>
    %o4 = nn.dense %o3, @fc4.weight : tensor<8x4xf32> -> tensor<8x4xf32>
    %o5 = nn.dense %o4, @fc5.weight, @fc5.bias : tensor<8x4xf32> -> tensor<8x4xf32>
    // CHECK: nn.softmax_cross_entropy %{{.*}}, %[[Y]] : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
    %l = nn.softmax_cross_entropy %o5, %y : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
    // CHECK: nn.return %{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<f32>
    nn.return %o5, %l : tensor<8x4xf32>, tensor<f32>
  }
}

// CHECK-LABEL: nn.model @regression
nn.model @regression attributes {lr = 0.01 : f32, noise = 0.0001 : f32, epochs = 3 : i64} {
  nn.param @fc.weight : tensor<1x8xf32> init = #nn.xavier_uniform
  nn.param @fc.bias : tensor<1xf32> init = #nn.zeros
  nn.forward(%x: tensor<32x8xf32>, %t: tensor<32x1xf32>) {
    %p = nn.dense %x, @fc.weight, @fc.bias : tensor<32x8xf32> -> tensor<32x1xf32>
    // CHECK: nn.mse %{{.*}}, %{{.*}} : tensor<32x1xf32> -> tensor<f32>
    %l = nn.mse %p, %t : tensor<32x1xf32> -> tensor<f32>
    nn.return %p, %l : tensor<32x1xf32>, tensor<f32>
  }
}
