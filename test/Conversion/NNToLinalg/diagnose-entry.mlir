// RUN: nnc-opt %s --nn-autodiff --nn-optimizer --nn-lower-to-linalg | FileCheck %s
// nnc_diagnose (docs/abi.md): the loss, the gradients in the state layout and
// the tape: each activation's input and result, then the loss op's input.

nn.model @two {
  nn.param @fc1.weight : tensor<3x4xf32> init = #nn.xavier_uniform
  nn.param @fc2.weight : tensor<2x3xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<5x4xf32>, %y: tensor<5xi32>) {
    %h = nn.dense %x, @fc1.weight : tensor<5x4xf32> -> tensor<5x3xf32>
    %a = nn.relu %h : tensor<5x3xf32>
    %z = nn.dense %a, @fc2.weight : tensor<5x3xf32> -> tensor<5x2xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<5x2xf32>, tensor<5xi32> -> tensor<f32>
    nn.return %z, %l : tensor<5x2xf32>, tensor<f32>
  }
}

// CHECK: @nnc_manifest("{{.*}}\0Atape_size 40\0Alayer fc1 relu fc1.weight 0 15 5,3\0Alayer fc2 output fc2.weight 30 -1 5,2\0A
// CHECK-LABEL: func.func @nnc_diagnose(
// CHECK-SAME: %{{.*}}: memref<18xf32>, %{{.*}}: memref<5x4xf32>, %{{.*}}: memref<5xi32>, %[[LOSS:.*]]: memref<1xf32>, %[[GRADS:.*]]: memref<18xf32>, %[[TAPE:.*]]: memref<40xf32>)
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[LOSS]]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0] [12] [1] : tensor<12xf32> into tensor<18xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[12] [6] [1] : tensor<6xf32> into tensor<18xf32>
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[GRADS]]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0] [15] [1] : tensor<15xf32> into tensor<40xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[15] [15] [1] : tensor<15xf32> into tensor<40xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[30] [10] [1] : tensor<10xf32> into tensor<40xf32>
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[TAPE]]
