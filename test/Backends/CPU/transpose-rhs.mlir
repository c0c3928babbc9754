// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-transpose-rhs))' | FileCheck %s

// x·Wᵀ with W stored [out, in] becomes an explicit transpose and x·W.

// CHECK-LABEL: func.func @nt
// CHECK-SAME:    %[[X:.*]]: tensor<8x16xf32>, %[[W:.*]]: tensor<32x16xf32>
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<16x32xf32>
// CHECK:       %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<32x16xf32>) outs(%[[E]] : tensor<16x32xf32>) permutation = [1, 0]
// The default (printed without indexing_maps) is the plain A·B layout.
// CHECK:       linalg.matmul ins(%[[X]], %[[WT]] : tensor<8x16xf32>, tensor<16x32xf32>)
func.func @nt(%x: tensor<8x16xf32>, %w: tensor<32x16xf32>,
              %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<8x16xf32>, tensor<32x16xf32>)
      outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// Other layouts are left alone.

// CHECK-LABEL: func.func @tn
// CHECK-NOT:   linalg.transpose
// CHECK:       linalg.matmul
func.func @tn(%a: tensor<16x8xf32>, %b: tensor<16x32xf32>,
              %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (k, n)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<16x8xf32>, tensor<16x32xf32>)
      outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}
