// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-cpu-parallelize))' | FileCheck %s

// A matmul is split into tiles of 32 columns when B (K×N) is the larger
// operand, so each thread reads only its part of it.

// CHECK-LABEL: func.func @split_n
// CHECK:       scf.forall (%[[J:.*]]) = (0) to (128) step (32) shared_outs(%[[O:.*]] = %{{.*}})
// CHECK:         tensor.extract_slice %{{.*}}[0, %[[J]]] [128, 32] [1, 1]
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<64x128xf32>, tensor<128x32xf32>) outs(%{{.*}} : tensor<64x32xf32>)
// CHECK:         tensor.parallel_insert_slice %{{.*}} into %[[O]][0, %[[J]]] [64, 32] [1, 1]
func.func @split_n(%a: tensor<64x128xf32>, %b: tensor<128x128xf32>,
                   %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x128xf32>)
                     outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}

// A weight gradient dyᵀ·x with N = 784, which 32-column tiles do not divide:
// split into 8-row tiles instead; K (the batch) is never split.

// CHECK-LABEL: func.func @split_m
// CHECK:       scf.forall (%{{.*}}) = (0) to (64) step (8)
// CHECK:         linalg.matmul {{.*}} ins(%{{.*}}, %{{.*}} : tensor<32x8xf32>, tensor<32x784xf32>) outs(%{{.*}} : tensor<8x784xf32>)
func.func @split_m(%dy: tensor<32x64xf32>, %x: tensor<32x784xf32>,
                   %c: tensor<64x784xf32>) -> tensor<64x784xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (k, n)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%dy, %x : tensor<32x64xf32>, tensor<32x784xf32>)
      outs(%c : tensor<64x784xf32>) -> tensor<64x784xf32>
  return %r : tensor<64x784xf32>
}

// A convolution's weight gradient dyᵀ·patches, [32, 25088]·[25088, 144]:
// 144 columns are no multiple of 32, but cutting the 32 rows would stream
// the 14 MiB of patches once per row tile; N is cut in 48 columns instead.

// CHECK-LABEL: func.func @split_n_wider
// CHECK:       scf.forall (%{{.*}}) = (0) to (144) step (48)
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x25088xf32>, tensor<25088x48xf32>) outs(%{{.*}} : tensor<32x48xf32>)
func.func @split_n_wider(%dy: tensor<32x25088xf32>, %cols: tensor<25088x144xf32>,
                         %c: tensor<32x144xf32>) -> tensor<32x144xf32> {
  %r = linalg.matmul ins(%dy, %cols : tensor<32x25088xf32>, tensor<25088x144xf32>)
                     outs(%c : tensor<32x144xf32>) -> tensor<32x144xf32>
  return %r : tensor<32x144xf32>
}

// Elementwise ops: one row per iteration; a 1-D op in 64-element chunks.

// CHECK-LABEL: func.func @elementwise
// CHECK:       scf.forall (%{{.*}}) in (256)
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x512xf32>)
// CHECK:       scf.forall (%{{.*}}) = (0) to (131072) step (64)
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<64xf32>)
#id2 = affine_map<(i, j) -> (i, j)>
#id1 = affine_map<(i) -> (i)>
func.func @elementwise(%x: tensor<256x512xf32>, %v: tensor<131072xf32>)
    -> (tensor<256x512xf32>, tensor<131072xf32>) {
  %e = tensor.empty() : tensor<256x512xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<256x512xf32>) outs(%e : tensor<256x512xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<256x512xf32>
  %e1 = tensor.empty() : tensor<131072xf32>
  %s = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%v : tensor<131072xf32>) outs(%e1 : tensor<131072xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = arith.mulf %in, %in : f32
    linalg.yield %y : f32
  } -> tensor<131072xf32>
  return %r, %s : tensor<256x512xf32>, tensor<131072xf32>
}

// A column sum (bias gradient) is split along the columns it produces; each
// column is still summed over all rows in one order. A full reduction and a
// small op stay serial.

// CHECK-LABEL: func.func @reductions
// CHECK:       scf.forall (%{{.*}}) = (0) to (1024) step (64)
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]{{.*}} outs(%{{.*}} : tensor<64xf32>)
// CHECK:       scf.forall.in_parallel
// CHECK-NOT:   scf.forall (
// CHECK:       return
func.func @reductions(%x: tensor<256x1024xf32>, %acc: tensor<1024xf32>,
                      %sum: tensor<f32>, %small: tensor<16x64xf32>)
    -> (tensor<1024xf32>, tensor<f32>, tensor<16x64xf32>) {
  %c = linalg.generic {indexing_maps = [#id2, affine_map<(i, j) -> (j)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<256x1024xf32>) outs(%acc : tensor<1024xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = arith.addf %in, %o : f32
    linalg.yield %y : f32
  } -> tensor<1024xf32>
  %t = linalg.generic {indexing_maps = [#id2, affine_map<(i, j) -> ()>],
                       iterator_types = ["reduction", "reduction"]}
      ins(%x : tensor<256x1024xf32>) outs(%sum : tensor<f32>) {
  ^bb0(%in: f32, %o: f32):
    %y = arith.addf %in, %o : f32
    linalg.yield %y : f32
  } -> tensor<f32>
  %e = tensor.empty() : tensor<16x64xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%small : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<16x64xf32>
  return %c, %t, %s : tensor<1024xf32>, tensor<f32>, tensor<16x64xf32>
}

// A transpose is split into blocks of 16 rows, the size of its 16×16 tiles.

// CHECK-LABEL: func.func @transpose
// CHECK:       scf.forall (%{{.*}}) = (0) to (784) step (16)
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<256x16xf32>) outs(%{{.*}} : tensor<16x256xf32>)
func.func @transpose(%w: tensor<256x784xf32>) -> tensor<784x256xf32> {
  %e = tensor.empty() : tensor<784x256xf32>
  %t = linalg.transpose ins(%w : tensor<256x784xf32>) outs(%e : tensor<784x256xf32>)
                        permutation = [1, 0]
  return %t : tensor<784x256xf32>
}

// A per-channel reduction is vectorized along w (its largest operand's
// contiguous loop), not along its output's: it splits along c, one channel
// per tile.

// CHECK-LABEL: func.func @per_channel
// CHECK:       scf.forall (%{{.*}}) in (16)
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1xf32>)
func.func @per_channel(%x: tensor<8x16x28x28xf32>, %init: tensor<16xf32>) -> tensor<16xf32> {
  %s = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                                        affine_map<(n, c, h, w) -> (c)>],
                       iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<8x16x28x28xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %s : tensor<16xf32>
}

// Ops with several outputs (a window's maximum and its position) split too.

// CHECK-LABEL: func.func @two_outputs
// CHECK:       scf.forall (%{{.*}}) in (64) shared_outs(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK:         linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x32x32xf32>, tensor<1x32x32xindex>)
func.func @two_outputs(%x: tensor<64x32x32xf32>, %m: tensor<64x32x32xf32>,
                       %p: tensor<64x32x32xindex>)
    -> (tensor<64x32x32xf32>, tensor<64x32x32xindex>) {
  %r:2 = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>,
                                          affine_map<(i, j, k) -> (i, j, k)>,
                                          affine_map<(i, j, k) -> (i, j, k)>],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<64x32x32xf32>) outs(%m, %p : tensor<64x32x32xf32>, tensor<64x32x32xindex>) {
  ^bb0(%in: f32, %a: f32, %b: index):
    %g = arith.cmpf ogt, %in, %a : f32
    %v = arith.select %g, %in, %a : f32
    %q = arith.select %g, %b, %b : index
    linalg.yield %v, %q : f32, index
  } -> (tensor<64x32x32xf32>, tensor<64x32x32xindex>)
  return %r#0, %r#1 : tensor<64x32x32xf32>, tensor<64x32x32xindex>
}
