// RUN: nnc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(nnc-full-rank-transfer-writes))' | FileCheck %s
// RUN: nnc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(nnc-full-rank-transfer-writes),one-shot-bufferize{bufferize-function-boundaries test-analysis-only})' | FileCheck %s --check-prefix=ANALYSIS

// A peeled reduction's two passes start from one zero-filled tensor. The
// 16-lane writes become full-rank, so that One-Shot Bufferize sees that they
// leave the other 9 elements as they were: the first pass's writes go to a
// copy (in place they would leave its sums where the second pass reads
// zeros), the second pass's go in place.
// CHECK-LABEL: func.func @two_passes
// CHECK:         %[[W:.*]] = vector.shape_cast %{{.*}} : vector<16xf64> to vector<1x16xf64>
// CHECK:         vector.transfer_write %[[W]], %{{.*}}[%c0, %c0] {in_bounds = [true, true]} : vector<1x16xf64>, tensor<1x25xf64>
// CHECK:         vector.shape_cast %{{.*}} : vector<9xf64> to vector<1x9xf64>
// CHECK:         vector.transfer_write {{.*}} : vector<1x9xf64>, tensor<1x25xf64>
// ANALYSIS-LABEL: func.func @two_passes
// ANALYSIS:         vector.transfer_write {{.*}}__inplace_operands_attr__ = ["none", "true", "none", "none"]{{.*}} : vector<1x25xf64>
// ANALYSIS-NEXT:    vector.shape_cast
// ANALYSIS-NEXT:    vector.transfer_write {{.*}}__inplace_operands_attr__ = ["none", "false", "none", "none"]{{.*}} : vector<1x16xf64>
func.func @two_passes(%a: vector<16xf64>, %b: vector<9xf64>) -> (vector<1x25xf64>, vector<9xf64>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %p = arith.constant 0.0 : f64
  %z = arith.constant dense<0.0> : vector<1x25xf64>
  %e = tensor.empty() : tensor<1x25xf64>
  %t = vector.transfer_write %z, %e[%c0, %c0] {in_bounds = [true, true]} : vector<1x25xf64>, tensor<1x25xf64>
  %w1 = vector.transfer_write %a, %t[%c0, %c0] {in_bounds = [true]} : vector<16xf64>, tensor<1x25xf64>
  %w1b = vector.transfer_write %b, %w1[%c0, %c16] {in_bounds = [true]} : vector<9xf64>, tensor<1x25xf64>
  %r1 = vector.transfer_read %w1b[%c0, %c0], %p {in_bounds = [true, true]} : tensor<1x25xf64>, vector<1x25xf64>
  %w2 = vector.transfer_write %a, %t[%c0, %c0] {in_bounds = [true]} : vector<16xf64>, tensor<1x25xf64>
  %r2 = vector.transfer_read %w2[%c0, %c16], %p {in_bounds = [true]} : tensor<1x25xf64>, vector<9xf64>
  return %r1, %r2 : vector<1x25xf64>, vector<9xf64>
}

// -----

// A map that leaves out a middle dimension: the unit dimension maps to it.
// Writes at full rank and masked writes stay as they are.
// CHECK-LABEL: func.func @middle
// CHECK:         %[[W:.*]] = vector.shape_cast %{{.*}} : vector<4x8xf32> to vector<1x4x8xf32>
// CHECK:         vector.transfer_write %[[W]], %{{.*}} {in_bounds = [true, true, true], permutation_map = #{{.*}}} : vector<1x4x8xf32>, tensor<4x2x8xf32>
// CHECK:         vector.transfer_write %{{.*}} : vector<4x2x8xf32>, tensor<4x2x8xf32>
// CHECK:         vector.transfer_write %{{.*}}, %{{.*}}, %{{.*}} {{.*}} : vector<8xf32>, tensor<4x2x8xf32>
func.func @middle(%v: vector<4x8xf32>, %f: vector<4x2x8xf32>, %m: vector<8xi1>, %u: vector<8xf32>, %t: tensor<4x2x8xf32>) -> (tensor<4x2x8xf32>, tensor<4x2x8xf32>, tensor<4x2x8xf32>) {
  %c0 = arith.constant 0 : index
  %a = vector.transfer_write %v, %t[%c0, %c0, %c0] {in_bounds = [true, false], permutation_map = affine_map<(d0, d1, d2) -> (d0, d2)>} : vector<4x8xf32>, tensor<4x2x8xf32>
  %b = vector.transfer_write %f, %t[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<4x2x8xf32>, tensor<4x2x8xf32>
  %c = vector.transfer_write %u, %t[%c0, %c0, %c0], %m : vector<8xf32>, tensor<4x2x8xf32>
  return %a, %b, %c : tensor<4x2x8xf32>, tensor<4x2x8xf32>, tensor<4x2x8xf32>
}
