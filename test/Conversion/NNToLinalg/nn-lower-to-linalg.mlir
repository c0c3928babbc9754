// RUN: nnc-opt %s --nn-autodiff --nn-optimizer --nn-lower-to-linalg | FileCheck %s
// RUN: nnc-opt %s --nn-autodiff --nn-optimizer --nn-lower-to-linalg=gradcheck=true | FileCheck %s --check-prefix=GRAD

nn.model @tiny attributes {lr = 0.1, clip_norm = 2.0, epochs = 3} {
  nn.param @fc.weight : tensor<3x4xf32> init = #nn.xavier_uniform
  nn.param @fc.bias : tensor<3xf32> init = #nn.zeros frozen
  nn.forward(%x: tensor<2x4xf32>, %y: tensor<2xi32>) {
    %h = nn.dense %x, @fc.weight, @fc.bias : tensor<2x4xf32> -> tensor<2x3xf32>
    %a = nn.sigmoid %h : tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %a, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %a, %l : tensor<2x3xf32>, tensor<f32>
  }
}

// The manifest: xavier_uniform bound sqrt(6/7) = 0.9258201.
// CHECK: llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel tiny\0Ainput 2,4\0Atarget i32 2\0Aoutput 2,3\0Aloss softmax_cross_entropy\0Astate_size 15\0Ahparam lr 0.1\0Ahparam clip_norm 2\0Ahparam epochs 3\0Aflops 96\0Agradcheck 0\0Atape_size 18\0Alayer fc sigmoid fc.weight 0 6 2,3\0Alayer sigmoid output - 12 -1 2,3\0Atensor fc.weight 0 3,4 uniform -0.9258201 0.9258201 trainable\0Atensor fc.bias 12 3 constant 0 0 frozen\0A\00")

// CHECK-LABEL: func.func @nnc_train_step(
// CHECK-SAME: %[[STATE:.*]]: memref<15xf32>, %[[X:.*]]: memref<2x4xf32>, %[[Y:.*]]: memref<2xi32>, %[[HYPER:.*]]: memref<3xf32>, %[[MASK:.*]]: memref<2xf32>, %[[SEED:.*]]: i64, %[[STEP:.*]]: i64, %[[METRICS:.*]]: memref<2xf32>, %[[OUT:.*]]: memref<2x3xf32>)
// CHECK: %[[S:.*]] = bufferization.to_tensor %[[STATE]] restrict writable
// CHECK: %[[M:.*]] = bufferization.to_tensor %[[MASK]] restrict
// Parameters are views of the state; the bias initializes the accumulator.
// CHECK: %[[W:.*]] = tensor.extract_slice %[[S]][0] [12] [1]
// CHECK: %[[W2:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1]] output_shape [3, 4]
// CHECK: %[[B:.*]] = tensor.extract_slice %[[S]][12] [3] [1]
// CHECK: linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>)
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %[[W2]] : tensor<2x4xf32>, tensor<3x4xf32>)
// CHECK: math.exp
// The loss gathers z[n, y[n]] inside the generic.
// CHECK: linalg.index 0
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<2x3xf32>
// The weight gradient dyᵀ·x and the norm masked by the run-time mask.
// CHECK: linalg.matmul indexing_maps
// CHECK: tensor.extract %[[M]][%{{.*}}] : tensor<2xf32>
// CHECK: math.sqrt
// Noise only under scf.if; the update writes into the weight's own slice.
// CHECK: %[[OLD:.*]] = tensor.extract_slice %[[S]][0] [12] [1]
// CHECK: scf.if %{{.*}} -> (tensor<12xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[OLD]] : tensor<12xf32>)
// CHECK: arith.mului_extended
// CHECK: math.cos
// CHECK: } else {
// CHECK-NOT: arith.mului_extended
// Only the trained weight is written back, into the slice it was read from.
// CHECK: %[[NEW:.*]] = tensor.insert_slice %{{.*}} into %[[S]][0] [12] [1]
// CHECK-NOT: tensor.insert_slice
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[METRICS]]
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[OUT]]
// CHECK: bufferization.materialize_in_destination %[[NEW]] in restrict writable %[[STATE]]

// CHECK-LABEL: func.func @nnc_predict(
// CHECK-SAME: %{{.*}}: memref<15xf32>, %{{.*}}: memref<2x4xf32>, %{{.*}}: memref<2x3xf32>)
// CHECK-NOT: softmax
// CHECK-NOT: insert_slice
// CHECK: return
// CHECK-NOT: nnc_gradient
// CHECK-NOT: nnc_loss_f64

// GRAD: gradcheck 1
// GRAD-LABEL: func.func @nnc_gradient(
// GRAD-SAME: memref<15xf32>, %{{.*}}: memref<2x4xf32>, %{{.*}}: memref<2xi32>, %{{.*}}: memref<1xf32>, %{{.*}}: memref<15xf32>)
// GRAD: tensor.insert_slice %{{.*}} into %{{.*}}[0] [12] [1]
// GRAD-LABEL: func.func @nnc_loss_f64(
// GRAD-SAME: memref<15xf64>, %[[XF:.*]]: memref<2x4xf32>, %{{.*}}: memref<2xi32>, %{{.*}}: memref<1xf64>)
// GRAD: arith.extf %{{.*}} : f32 to f64
// GRAD: linalg.matmul {{.*}} -> tensor<2x3xf64>
// GRAD-NOT: f32>
