// Gradient check of nn.gram and nn.mse {reduction = "sum"}: the compiled
// float32 gradient against float64 central finite differences of the
// compiled loss, every parameter element (U starts away from the saddle).
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}u [5, 2]: 10 of 10 elements
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_gram {
  nn.param @u : tensor<5x2xf32> init = #nn.xavier_normal
  nn.forward(%x: tensor<5x3xf32>, %m: tensor<5x5xf32>) {
    %p = nn.gram @u : tensor<5x5xf32>
    %l = nn.mse %p, %m {reduction = "sum"} : tensor<5x5xf32> -> tensor<f32>
    nn.return %p, %l : tensor<5x5xf32>, tensor<f32>
  }
}
