// RUN: nnc-opt %s --split-input-file --nn-forward-mode -verify-diagnostics
// An op without a known derivative is an error naming it, never a silently
// wrong tangent.

func.func @sine(%x: f32) -> f32 {
  // expected-error @+1 {{'math.sin' op has no forward-mode derivative (needed for the Hessian-vector product)}}
  %y = math.sin %x : f32
  return %y : f32
}

// -----

#id = affine_map<(d0) -> (d0)>
func.func @sine_in_body(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    // expected-error @+1 {{'math.sin' op has no forward-mode derivative}}
    %r = math.sin %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %t : tensor<4xf32>
}

// -----

func.func @branch(%c: i1, %x: f32) -> f32 {
  // expected-error @+1 {{'scf.if' op has no forward-mode derivative}}
  %r = scf.if %c -> f32 {
    scf.yield %x : f32
  } else {
    scf.yield %x : f32
  }
  return %r : f32
}
