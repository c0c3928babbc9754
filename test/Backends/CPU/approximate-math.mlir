// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-approximate-math))' | FileCheck %s

// f32 exp/log/tanh on vectors become polynomials (no libm call per lane).
// CHECK-LABEL: func.func @f32
// CHECK-NOT:   math.exp
// CHECK-NOT:   math.log
// CHECK-NOT:   math.tanh
// CHECK:       return
func.func @f32(%x: vector<16xf32>) -> vector<16xf32> {
  %e = math.exp %x : vector<16xf32>
  %l = math.log %e : vector<16xf32>
  %t = math.tanh %l : vector<16xf32>
  return %t : vector<16xf32>
}

// f64 (the gradient check's loss) and functions without an approximation
// keep their precise libm calls.
// CHECK-LABEL: func.func @precise
// CHECK:       math.exp {{.*}} : f64
// CHECK:       math.cos {{.*}} : f32
func.func @precise(%x: f64, %y: f32) -> (f64, f32) {
  %e = math.exp %x : f64
  %c = math.cos %y : f32
  return %e, %c : f64, f32
}
