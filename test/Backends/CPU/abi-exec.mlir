// Compiles ABI-style functions (bare pointers, static shapes, results written
// into argument buffers) to an object, links it with a C harness and checks
// the numbers against references computed there.
//
// RUN: nnc -emit=obj %s -o %t.o
// RUN: %clang %S/Inputs/abi-harness.c %t.o -lm -o %t
// RUN: %t | FileCheck %s
//
// CHECK: manifest: ok
// CHECK: nn: max error {{.*}} ok
// CHECK: nt: max error {{.*}} ok
// CHECK: tn: max error {{.*}} ok
// CHECK: relu(x+b): max error {{.*}} ok
// CHECK: exp: max error {{.*}} ok
// CHECK: tanh: max error {{.*}} ok
// CHECK: log1p: max error {{.*}} ok
// CHECK: column sum: max error {{.*}} ok
// CHECK: sgd in place: max error {{.*}} ok
// CHECK: all ok

llvm.mlir.global external constant @nnc_manifest("nnc 1\0Amodel abi_test\0A\00") {addr_space = 0 : i32}

// Shapes that no register tile divides: M = 20 = 8+8+4, N = 80 = 32+32+16.
func.func @nn(%a: memref<20x37xf32>, %b: memref<37x80xf32>, %c: memref<20x80xf32>) {
  %at = bufferization.to_tensor %a restrict : memref<20x37xf32> to tensor<20x37xf32>
  %bt = bufferization.to_tensor %b restrict : memref<37x80xf32> to tensor<37x80xf32>
  %e = tensor.empty() : tensor<20x80xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<20x80xf32>) -> tensor<20x80xf32>
  %m = linalg.matmul ins(%at, %bt : tensor<20x37xf32>, tensor<37x80xf32>)
                     outs(%f : tensor<20x80xf32>) -> tensor<20x80xf32>
  bufferization.materialize_in_destination %m in restrict writable %c
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  return
}

func.func @nt(%a: memref<20x37xf32>, %b: memref<80x37xf32>, %c: memref<20x80xf32>) {
  %at = bufferization.to_tensor %a restrict : memref<20x37xf32> to tensor<20x37xf32>
  %bt = bufferization.to_tensor %b restrict : memref<80x37xf32> to tensor<80x37xf32>
  %e = tensor.empty() : tensor<20x80xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<20x80xf32>) -> tensor<20x80xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%at, %bt : tensor<20x37xf32>, tensor<80x37xf32>)
      outs(%f : tensor<20x80xf32>) -> tensor<20x80xf32>
  bufferization.materialize_in_destination %m in restrict writable %c
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  return
}

func.func @tn(%a: memref<37x20xf32>, %b: memref<37x80xf32>, %c: memref<20x80xf32>) {
  %at = bufferization.to_tensor %a restrict : memref<37x20xf32> to tensor<37x20xf32>
  %bt = bufferization.to_tensor %b restrict : memref<37x80xf32> to tensor<37x80xf32>
  %e = tensor.empty() : tensor<20x80xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<20x80xf32>) -> tensor<20x80xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (k, n)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%at, %bt : tensor<37x20xf32>, tensor<37x80xf32>)
      outs(%f : tensor<20x80xf32>) -> tensor<20x80xf32>
  bufferization.materialize_in_destination %m in restrict writable %c
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  return
}

// relu(x + b) with b broadcast over rows, and three transcendental functions
// (polynomial approximations on vectors).
func.func @activations(%x: memref<20x80xf32>, %bias: memref<80xf32>,
                       %relu: memref<20x80xf32>, %exp: memref<20x80xf32>,
                       %tanh: memref<20x80xf32>, %log1p: memref<20x80xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<20x80xf32> to tensor<20x80xf32>
  %bt = bufferization.to_tensor %bias restrict : memref<80xf32> to tensor<80xf32>
  %e = tensor.empty() : tensor<20x80xf32>
  %r:4 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                          affine_map<(i, j) -> (j)>,
                                          affine_map<(i, j) -> (i, j)>,
                                          affine_map<(i, j) -> (i, j)>,
                                          affine_map<(i, j) -> (i, j)>,
                                          affine_map<(i, j) -> (i, j)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%xt, %bt : tensor<20x80xf32>, tensor<80xf32>)
      outs(%e, %e, %e, %e : tensor<20x80xf32>, tensor<20x80xf32>, tensor<20x80xf32>, tensor<20x80xf32>) {
  ^bb0(%in: f32, %b: f32, %o0: f32, %o1: f32, %o2: f32, %o3: f32):
    %zero = arith.constant 0.0 : f32
    %s = arith.addf %in, %b : f32
    %m = arith.maximumf %s, %zero : f32
    %ex = math.exp %in : f32
    %th = math.tanh %in : f32
    %ab = math.absf %in : f32
    %lp = math.log1p %ab : f32
    linalg.yield %m, %ex, %th, %lp : f32, f32, f32, f32
  } -> (tensor<20x80xf32>, tensor<20x80xf32>, tensor<20x80xf32>, tensor<20x80xf32>)
  bufferization.materialize_in_destination %r#0 in restrict writable %relu
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  bufferization.materialize_in_destination %r#1 in restrict writable %exp
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  bufferization.materialize_in_destination %r#2 in restrict writable %tanh
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  bufferization.materialize_in_destination %r#3 in restrict writable %log1p
      : (tensor<20x80xf32>, memref<20x80xf32>) -> ()
  return
}

// The bias gradient: a sum over the batch.
func.func @column_sum(%x: memref<20x80xf32>, %out: memref<80xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<20x80xf32> to tensor<20x80xf32>
  %e = tensor.empty() : tensor<80xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<80xf32>) -> tensor<80xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, b) -> (b, n)>,
                                        affine_map<(n, b) -> (n)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%xt : tensor<20x80xf32>) outs(%f : tensor<80xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<80xf32>
  bufferization.materialize_in_destination %r in restrict writable %out
      : (tensor<80xf32>, memref<80xf32>) -> ()
  return
}

// The state is updated in place: state[10:90] -= lr * grad, the rest kept.
func.func @sgd(%state: memref<100xf32>, %grad: memref<80xf32>, %hyper: memref<1xf32>) {
  %st = bufferization.to_tensor %state restrict writable : memref<100xf32> to tensor<100xf32>
  %gt = bufferization.to_tensor %grad restrict : memref<80xf32> to tensor<80xf32>
  %ht = bufferization.to_tensor %hyper restrict : memref<1xf32> to tensor<1xf32>
  %c0 = arith.constant 0 : index
  %lr = tensor.extract %ht[%c0] : tensor<1xf32>
  %w = tensor.extract_slice %st[10] [80] [1] : tensor<100xf32> to tensor<80xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%gt : tensor<80xf32>) outs(%w : tensor<80xf32>) {
  ^bb0(%g: f32, %old: f32):
    %step = arith.mulf %lr, %g : f32
    %new = arith.subf %old, %step : f32
    linalg.yield %new : f32
  } -> tensor<80xf32>
  %s2 = tensor.insert_slice %u into %st[10] [80] [1] : tensor<80xf32> into tensor<100xf32>
  bufferization.materialize_in_destination %s2 in restrict writable %state
      : (tensor<100xf32>, memref<100xf32>) -> ()
  return
}
