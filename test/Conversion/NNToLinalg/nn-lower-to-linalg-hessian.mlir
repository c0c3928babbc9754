// RUN: nnc-opt %s --nn-autodiff --nn-optimizer --nn-lower-to-linalg=hessian=true | FileCheck %s
// RUN: nnc-opt %s --nn-autodiff --nn-optimizer "--nn-lower-to-linalg=hessian=true gradcheck=true" | FileCheck %s --check-prefix=GRAD
// With hessian=true the lowering adds nnc_hvp(state, x, y, v, hv), derived
// from the gradient by forward mode, and says so in the manifest; the
// gradient it came from is kept only for gradcheck.

nn.model @tiny {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.xavier_uniform
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros frozen
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2xi32>) {
    %h = nn.dense %x, @fc.weight, @fc.bias : tensor<2x4xf32> -> tensor<2x3xf32>
    %a = nn.sigmoid %h : tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %a, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %a, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// CHECK: @nnc_manifest("{{.*}}gradcheck 0\0A{{.*}}hvp 1\0A\00")
// CHECK-NOT: func.func @nnc_gradient
// CHECK-LABEL: func.func @nnc_hvp(
// CHECK-SAME: %[[STATE:.*]]: memref<15xf32>, %[[X:.*]]: memref<2x4xf32>, %[[Y:.*]]: memref<2xi32>, %[[V:.*]]: memref<15xf32>, %[[HV:.*]]: memref<15xf32>)
// CHECK-DAG: bufferization.to_tensor %[[STATE]] restrict
// CHECK-DAG: %[[VT:.*]] = bufferization.to_tensor %[[V]] restrict
// CHECK-DAG: tensor.extract_slice %[[VT]][0] [12] [1]
// CHECK: linalg.matmul
// CHECK: linalg.matmul
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[HV]]
// CHECK-NOT: materialize_in_destination
// CHECK: return

// GRAD: func.func @nnc_gradient(
// GRAD: func.func @nnc_hvp(
