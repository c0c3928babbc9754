// RUN: nnc-opt %s -split-input-file | FileCheck %s
// RUN: nnc-opt %s -split-input-file | nnc-opt -split-input-file | FileCheck %s
// RUN: nnc-opt %s -split-input-file -mlir-print-op-generic | nnc-opt -split-input-file | FileCheck %s
// Round trip of nn.gram and nn.mse's reduction (examples/matrix_factorization.mlir).

// CHECK-LABEL: nn.model @mf
nn.model @mf {
  nn.param @u : tensor<6x2xf32> init = #nn.zeros
  nn.forward(%x: tensor<6x6xf32>, %m: tensor<6x6xf32>) {
    // CHECK: %[[P:.*]] = nn.gram @u : tensor<6x6xf32>
    %p = nn.gram @u : tensor<6x6xf32>
    // CHECK: nn.mse %[[P]], %{{.*}} {reduction = "sum"} : tensor<6x6xf32> -> tensor<f32>
    %l = nn.mse %p, %m {reduction = "sum"} : tensor<6x6xf32> -> tensor<f32>
    // CHECK: nn.mse %[[P]], %{{.*}} : tensor<6x6xf32> -> tensor<f32>
    %k = nn.mse %p, %m : tensor<6x6xf32> -> tensor<f32>
    nn.return %p, %l : tensor<6x6xf32>, tensor<f32>
  }
}
