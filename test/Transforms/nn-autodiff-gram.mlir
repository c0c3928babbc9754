// RUN: nnc-opt %s --nn-autodiff | FileCheck %s
// nn.gram's rule: for G = dloss/d(U Uᵀ), dU = G·U + Gᵀ·U; nn.mse with
// reduction = "sum" passes its reduction to nn.mse_grad.

nn.model @mf {
  nn.param @u : tensor<6x2xf32> init = #nn.zeros
  nn.forward(%x: tensor<6x6xf32>, %m: tensor<6x6xf32>) {
    %p = nn.gram @u : tensor<6x6xf32>
    %l = nn.mse %p, %m {reduction = "sum"} : tensor<6x6xf32> -> tensor<f32>
    nn.return %p, %l : tensor<6x6xf32>, tensor<f32>
  }
}

// CHECK-LABEL: func.func @gradient(
// CHECK-SAME: attributes {nn.params = [@u]}
// CHECK: %[[P:.*]] = nn.gram @u : tensor<6x6xf32>
// CHECK: %[[G:.*]] = nn.mse_grad %[[P]], %{{.*}}, %{{.*}} {reduction = "sum"}
// CHECK: %[[U:.*]] = nn.read_param @u : tensor<6x2xf32>
// CHECK: %[[GU:.*]] = nn.matmul %[[G]], %[[U]] : tensor<6x6xf32>, tensor<6x2xf32> -> tensor<6x2xf32>
// CHECK: %[[GTU:.*]] = nn.matmul %[[G]], %[[U]] {transpose_lhs} : tensor<6x6xf32>, tensor<6x2xf32> -> tensor<6x2xf32>
// CHECK: %[[DU:.*]] = nn.add %[[GU]], %[[GTU]] : tensor<6x2xf32>
// CHECK: return %{{.*}}, %[[P]], %[[DU]]
