// A model already lowered to the linalg level (no nn.model: nnc skips the nn
// stages): one dense layer y = x·Wᵀ + b with W = state[0:8] as [2, 4] and
// b = state[8:10], in the ABI of runtime/include/nnrt/nnrt.h.
llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel linear\0Ainput 3,4\0Atarget f32 3,2\0Aoutput 3,2\0Aloss mse\0Astate_size 10\0Aflops 0\0Agradcheck 0\0Atensor fc.weight 0 2,4 constant 0.5 0 trainable\0Atensor fc.bias 8 2 constant 1 0 trainable\0A\00") {addr_space = 0 : i32}

func.func @nnc_predict(%state: memref<10xf32>, %x: memref<3x4xf32>, %out: memref<3x2xf32>) {
  %s = bufferization.to_tensor %state restrict : memref<10xf32> to tensor<10xf32>
  %xt = bufferization.to_tensor %x restrict : memref<3x4xf32> to tensor<3x4xf32>
  %wflat = tensor.extract_slice %s[0] [8] [1] : tensor<10xf32> to tensor<8xf32>
  %w = tensor.expand_shape %wflat [[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
  %b = tensor.extract_slice %s[8] [2] [1] : tensor<10xf32> to tensor<2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<3x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%xt, %w : tensor<3x4xf32>, tensor<2x4xf32>)
      outs(%bias : tensor<3x2xf32>) -> tensor<3x2xf32>
  bufferization.materialize_in_destination %y in restrict writable %out
      : (tensor<3x2xf32>, memref<3x2xf32>) -> ()
  return
}

// Training is not exercised by the driver tests: the step only reports zero
// metrics and the prediction.
func.func @nnc_train_step(%state: memref<10xf32>, %x: memref<3x4xf32>, %y: memref<3x2xf32>,
                          %hyper: memref<3xf32>, %trainable: memref<2xf32>, %seed: i64,
                          %step: i64, %metrics: memref<2xf32>, %out: memref<3x2xf32>) {
  func.call @nnc_predict(%state, %x, %out) : (memref<10xf32>, memref<3x4xf32>, memref<3x2xf32>) -> ()
  %m = bufferization.to_tensor %metrics restrict writable : memref<2xf32> to tensor<2xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%m : tensor<2xf32>) -> tensor<2xf32>
  bufferization.materialize_in_destination %f in restrict writable %metrics
      : (tensor<2xf32>, memref<2xf32>) -> ()
  return
}
