// RUN: nnc-opt %s --nn-forward-mode | FileCheck %s
// Forward-mode differentiation (the transformation behind nnc_hvp) on small
// linalg inputs: each function @f gets @f_jvp(args, tangents) returning
// (results, tangents).

#id = affine_map<(d0) -> (d0)>

// Product rule on scalars.
// CHECK-LABEL: func.func @square_jvp(
// CHECK-SAME: %[[X:.*]]: f32, %[[DX:.*]]: f32) -> (f32, f32)
// CHECK: %[[Y:.*]] = arith.mulf %[[X]], %[[X]]
// CHECK: %[[A:.*]] = arith.mulf %[[DX]], %[[X]]
// CHECK: %[[B:.*]] = arith.mulf %[[X]], %[[DX]]
// CHECK: %[[D:.*]] = arith.addf %[[A]], %[[B]]
// CHECK: return %[[Y]], %[[D]]
func.func @square(%x: f32) -> f32 {
  %y = arith.mulf %x, %x : f32
  return %y : f32
}

// An elementwise generic gets the tangent as an extra input and output; the
// body computes d tanh = dx·(1 − tanh²). The sum's tangent starts from zero.
// CHECK-LABEL: func.func @tanh_sum_jvp(
// CHECK-SAME: %[[X:.*]]: tensor<4xf32>, %[[DX:.*]]: tensor<4xf32>)
// CHECK: %[[T:.*]]:2 = linalg.generic {{.*}} ins(%[[X]], %[[DX]] : tensor<4xf32>, tensor<4xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[DA:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[R:.*]] = math.tanh %[[A]]
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.0
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[R]], %[[R]]
// CHECK-NEXT: %[[DIFF:.*]] = arith.subf %[[ONE]], %[[SQ]]
// CHECK-NEXT: %[[DR:.*]] = arith.mulf %[[DA]], %[[DIFF]]
// CHECK-NEXT: linalg.yield %[[R]], %[[DR]]
// CHECK: linalg.fill
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK-NEXT: %[[S:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[T]]#0, %[[T]]#1 : {{.*}}) outs(%{{.*}}, %[[ZERO]] : tensor<f32>, tensor<f32>)
// CHECK-NEXT: ^bb0(%[[E:.*]]: f32, %[[DE:.*]]: f32, %[[ACC:.*]]: f32, %[[DACC:.*]]: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[E]], %[[ACC]]
// CHECK-NEXT: %[[DSUM:.*]] = arith.addf %[[DE]], %[[DACC]]
// CHECK-NEXT: linalg.yield %[[SUM]], %[[DSUM]]
// CHECK: return %[[S]]#0, %[[S]]#1
func.func @tanh_sum(%x: tensor<4xf32>) -> tensor<f32> {
  %e = tensor.empty() : tensor<4xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<f32>
  %init = linalg.fill ins(%z : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %s = linalg.generic {indexing_maps = [#id, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%t : tensor<4xf32>) outs(%init : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  return %s : tensor<f32>
}

// d(A·B) = dA·B + A·dB as two more matmuls accumulating into one tensor.
// CHECK-LABEL: func.func @mm_jvp(
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>, %[[DA:.*]]: tensor<2x3xf32>, %[[DB:.*]]: tensor<3x4xf32>)
// CHECK: %[[C:.*]] = linalg.matmul ins(%[[A]], %[[B]] : {{.*}})
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[DA]], %[[B]] : {{.*}}) outs(%[[Z]] :
// CHECK: %[[Q:.*]] = linalg.matmul ins(%[[A]], %[[DB]] : {{.*}}) outs(%[[P]] :
// CHECK: return %[[C]], %[[Q]]
func.func @mm(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %r = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>) outs(%c : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// A generic whose body is out + in0·in1 (a direct convolution) is bilinear
// like a matmul: its tangent is two more of the same generic, each keeping
// the single-output form that the CPU backend tiles as a stencil, rather
// than one generic computing both.
// CHECK-LABEL: func.func @conv_jvp(
// CHECK-SAME: %[[W:.*]]: tensor<2x3x3x4xf32>, %[[X:.*]]: tensor<1x2x6x10xf32>, %[[DW:.*]]: tensor<2x3x3x4xf32>, %[[DX:.*]]: tensor<1x2x6x10xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[W]], %[[X]] : {{.*}}) outs(%{{.*}} : tensor<1x4x4x8xf32>)
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[DW]], %[[X]] : {{.*}}) outs(%[[Z]] : tensor<1x4x4x8xf32>)
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[W]], %[[DX]] : {{.*}}) outs(%[[P]] : tensor<1x4x4x8xf32>)
// CHECK: return %[[Y]], %[[Q]]
func.func @conv(%w: tensor<2x3x3x4xf32>, %x: tensor<1x2x6x10xf32>) -> tensor<1x4x4x8xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(n, o, y, x, c, i, j) -> (c, i, j, o)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, c, y + i, x + j)>,
                       affine_map<(n, o, y, x, c, i, j) -> (n, o, y, x)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%w, %x : tensor<2x3x3x4xf32>, tensor<1x2x6x10xf32>)
      outs(%c : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %r : tensor<1x4x4x8xf32>
}

// Structural ops apply to the tangents; padding with a constant pads the
// tangent with zeros.
// CHECK-LABEL: func.func @slices_jvp(
// CHECK-SAME: %[[X:.*]]: tensor<6xf32>, %[[D:.*]]: tensor<4xf32>, %[[DX:.*]]: tensor<6xf32>, %[[DD:.*]]: tensor<4xf32>)
// CHECK: %[[DS:.*]] = tensor.extract_slice %[[DX]][1] [4] [1]
// CHECK: %[[DI:.*]] = tensor.insert_slice %[[DS]] into %[[DD]][0] [4] [1]
// CHECK: tensor.yield %{{.*}} : f32
// CHECK: %[[DP:.*]] = tensor.pad %[[DI]] low[2] high[2]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.0
// CHECK-NEXT: tensor.yield %[[ZERO]]
// CHECK: return %{{.*}}, %[[DP]]
func.func @slices(%x: tensor<6xf32>, %d: tensor<4xf32>) -> tensor<8xf32> {
  %s = tensor.extract_slice %x[1] [4] [1] : tensor<6xf32> to tensor<4xf32>
  %i = tensor.insert_slice %s into %d[0] [4] [1] : tensor<4xf32> into tensor<4xf32>
  %c = arith.constant 2.0 : f32
  %p = tensor.pad %i low[2] high[2] {
  ^bb0(%k: index):
    tensor.yield %c : f32
  } : tensor<4xf32> to tensor<8xf32>
  return %p : tensor<8xf32>
}

// A tensor read inside a body reads its tangent at the same indices; the
// tangent of a maximum follows the selected operand.
// CHECK-LABEL: func.func @gather_jvp(
// CHECK-SAME: %[[T:.*]]: tensor<3xf32>, %{{.*}}: tensor<2xindex>, %[[DT:.*]]: tensor<3xf32>)
// CHECK: ^bb0(%[[K:.*]]: index, %[[O:.*]]: f32, %[[DO:.*]]: f32):
// CHECK-NEXT: %[[V:.*]] = tensor.extract %[[T]][%[[K]]]
// CHECK-NEXT: %[[DV:.*]] = tensor.extract %[[DT]][%[[K]]]
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[V]], %[[O]]
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[V]], %[[O]]
// CHECK-NEXT: %[[DM:.*]] = arith.select %[[GE]], %[[DV]], %[[DO]]
// CHECK-NEXT: linalg.yield %[[M]], %[[DM]]
func.func @gather(%t: tensor<3xf32>, %idx: tensor<2xindex>) -> tensor<2xf32> {
  %e = tensor.empty() : tensor<2xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%idx : tensor<2xindex>) outs(%e : tensor<2xf32>) {
  ^bb0(%k: index, %o: f32):
    %v = tensor.extract %t[%k] : tensor<3xf32>
    %m = arith.maximumf %v, %o : f32
    linalg.yield %m : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// Quotient, exponential, logarithm and reciprocal square root.
// CHECK-LABEL: func.func @scalars_jvp(
// CHECK-SAME: %[[X:.*]]: f32, %[[Y:.*]]: f32, %[[DX:.*]]: f32, %[[DY:.*]]: f32)
// CHECK: %[[Q:.*]] = arith.divf %[[X]], %[[Y]]
// CHECK: %[[QDY:.*]] = arith.mulf %[[Q]], %[[DY]]
// CHECK: %[[NUM:.*]] = arith.subf %[[DX]], %[[QDY]]
// CHECK: %[[DQ:.*]] = arith.divf %[[NUM]], %[[Y]]
// CHECK: %[[E:.*]] = math.exp %[[Q]]
// CHECK: arith.mulf %[[DQ]], %[[E]]
// CHECK: math.log
// CHECK: arith.divf
// CHECK: math.rsqrt
// CHECK: arith.constant -5.0
func.func @scalars(%x: f32, %y: f32) -> f32 {
  %q = arith.divf %x, %y : f32
  %e = math.exp %q : f32
  %l = math.log %e : f32
  %r = math.rsqrt %l : f32
  return %r : f32
}

// Integer results and values without tangent stay as they are.
// CHECK-LABEL: func.func @no_tangent_jvp(
// CHECK-SAME: %{{.*}}: i32, %{{.*}}: f32, %{{.*}}: f32) -> (f32, f32)
// CHECK: %[[ZERO:.*]] = arith.constant 0.0
// CHECK: return %{{.*}}, %[[ZERO]]
func.func @no_tangent(%i: i32, %unused: f32) -> f32 {
  %f = arith.sitofp %i : i32 to f32
  return %f : f32
}
