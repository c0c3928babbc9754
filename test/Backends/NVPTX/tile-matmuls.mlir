// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-nvptx-tile-matmuls))' | FileCheck %s
// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-nvptx-tile-matmuls{tf32=false}))' | FileCheck %s --check-prefix=FP32
// RUN: nnc-opt %s --pass-pipeline='builtin.module(func.func(nnc-nvptx-tile-matmuls{split-blocks=1}))' | FileCheck %s --check-prefix=ONE

// A 100x72 output (not a multiple of the 64x64 tile) of a 40-long
// reduction: a 2x2 grid of 128-thread blocks with two pairs of shared
// panels (double buffering), each thread's 32 accumulators starting from
// the output (guarded); the first step's panels stored before the loop;
// the loop over the reduction takes two steps of 16 per iteration (padded
// to 64): the next step's loads, 2 (steps of 8) x 2 x 4 tensor-core
// multiplies on TF32-rounded operands from one pair of panels, the stores
// into the other pair, a barrier; then 32 guarded stores.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %[[BY:.*]], %{{.*}}) in (%{{.*}} = %[[C2]], %{{.*}} = %[[C2]]{{.*}}, %{{.*}} = %[[C1]]) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C128]], %{{.*}} = %[[C1]], %{{.*}} = %[[C1]])
// CHECK-SAME: workgroup(%[[SA:.*]] : memref<64x20xf32, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<16x68xf32, #gpu.address_space<workgroup>>, %[[SA1:.*]] : memref<64x20xf32, #gpu.address_space<workgroup>>, %[[SB1:.*]] : memref<16x68xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-32: memref.load %arg2
// CHECK-COUNT-8: memref.store %{{.*}}, %[[SA]]
// CHECK-COUNT-8: memref.store %{{.*}}, %[[SB]]
// CHECK: gpu.barrier
// CHECK: %[[SUMS:.*]]:32 = scf.for %[[K:.*]] = %{{.*}} to %c64{{.*}} step %c32{{.*}} iter_args(
// CHECK: memref.load %arg0
// CHECK: memref.load %arg1
// CHECK-COUNT-16: nvvm.mma.sync
// CHECK-COUNT-8: memref.store %{{.*}}, %[[SA1]]
// CHECK-COUNT-8: memref.store %{{.*}}, %[[SB1]]
// CHECK-NEXT: gpu.barrier
// CHECK: memref.load %arg0
// CHECK: memref.load %arg1
// CHECK-COUNT-16: nvvm.mma.sync
// CHECK-COUNT-8: memref.store %{{.*}}, %[[SA]]
// CHECK-COUNT-8: memref.store %{{.*}}, %[[SB]]
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: scf.yield
// CHECK-COUNT-32: memref.store %[[SUMS]]#{{[0-9]+}}, %arg2
// CHECK: gpu.terminator
// CHECK-NOT: linalg.matmul

// FP32-LABEL: func.func @matmul
// FP32: gpu.launch
// FP32-NOT: nvvm
// FP32: scf.for
// FP32-COUNT-256: arith.mulf
// FP32-NOT: nvvm
// FP32: gpu.terminator
func.func @matmul(%a: memref<100x40xf32>, %b: memref<40x72xf32>, %c: memref<100x72xf32>) {
  linalg.matmul ins(%a, %b : memref<100x40xf32>, memref<40x72xf32>) outs(%c : memref<100x72xf32>)
  return
}

// Transposed operands (indexing maps): A read as [k, m], B as [n, k].
// CHECK-LABEL: func.func @transposed
// CHECK: gpu.launch
// CHECK: memref.load %arg0[%[[AK:.*]], %[[AM:.*]]] : memref<40x100xf32>
// CHECK: memref.load %arg1[%[[BN:.*]], %[[BK:.*]]] : memref<72x40xf32>
func.func @transposed(%a: memref<40x100xf32>, %b: memref<72x40xf32>, %c: memref<100x72xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<40x100xf32>, memref<72x40xf32>) outs(%c : memref<100x72xf32>)
  return
}

// A long reduction into few tiles (32x288 outputs, 5 tiles, summed over
// 100 352 terms): with TF32, 52 chunks of 1952 terms (a multiple of 32) in
// grid z, about 256 blocks in all; with f32 it stays for the loop passes.
// CHECK-LABEL: func.func @long_reduction
// CHECK: %[[PARTIALS:.*]] = gpu.alloc () : memref<52x32x288xf32>
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C52:.*]] = arith.constant 52 : index
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %[[BZ:.*]]) in (%{{.*}} = %[[C5]], %{{.*}} = %{{.*}}, %{{.*}} = %[[C52]])
// CHECK: %[[BEGIN:.*]] = arith.muli %[[BZ]], %{{.*}} : index
// CHECK: %[[END:.*]] = arith.addi %[[BEGIN]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[BEGIN]] to %[[END]] step
// CHECK-COUNT-32: memref.store %{{.*}}, %[[PARTIALS]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<52x32x288xf32>
// CHECK: gpu.terminator
// CHECK: linalg.generic {indexing_maps = [#[[PMAP:.*]], #[[OMAP:.*]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[PARTIALS]] : memref<52x32x288xf32>) outs(%arg2 : memref<32x288xf32>)
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.yield %[[SUM]]
// CHECK-NOT: linalg.matmul
// CHECK: gpu.dealloc %[[PARTIALS]]
// FP32-LABEL: func.func @long_reduction
// FP32-NOT: gpu.launch
// FP32: linalg.matmul
func.func @long_reduction(%a: memref<32x100352xf32>, %b: memref<100352x288xf32>, %c: memref<32x288xf32>) {
  linalg.matmul ins(%a, %b : memref<32x100352xf32>, memref<100352x288xf32>) outs(%c : memref<32x288xf32>)
  return
}

// A reduction over more than 512 terms into fewer than 16 tiles (a CNN's
// classifier: 2 tiles, 1568 terms): two blocks would walk 98 steps one
// after another. With TF32, 25 chunks of at least 64 terms.
// CHECK-LABEL: func.func @few_tiles
// CHECK: gpu.alloc () : memref<25x128x10xf32>
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK-NOT: linalg.matmul
// Aiming at one block leaves one chunk: no split, no temporary.
// ONE-LABEL: func.func @few_tiles
// ONE-NOT: gpu.alloc
// ONE: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %c1{{.*}})
// ONE-NOT: gpu.alloc
// ONE: return
// FP32-LABEL: func.func @few_tiles
// FP32-NOT: gpu.launch
// FP32: linalg.matmul
func.func @few_tiles(%a: memref<128x1568xf32>, %b: memref<1568x10xf32>, %c: memref<128x10xf32>) {
  linalg.matmul ins(%a, %b : memref<128x1568xf32>, memref<1568x10xf32>) outs(%c : memref<128x10xf32>)
  return
}

// A dense layer with a long reduction into few tiles (784 inputs, 128x256
// outputs: 8 tiles): split in 13 chunks of 64; its bias broadcast moves
// after the kernel, right before the sum of the partials, and the
// activation stays after that sum (the loop passes fuse the three).
// CHECK-LABEL: func.func @dense_few_tiles
// CHECK: %[[PARTIALS:.*]] = gpu.alloc () : memref<13x128x256xf32>
// CHECK: gpu.launch
// CHECK-NOT: memref.load %arg2[
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: linalg.generic {{.*}} ins(%arg2 : memref<256xf32>) outs(%arg3 : memref<128x256xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[PARTIALS]] : memref<13x128x256xf32>) outs(%arg3 : memref<128x256xf32>)
// CHECK: linalg.generic {{.*}} ins(%arg3 : memref<128x256xf32>) outs(%arg4 : memref<128x256xf32>)
// CHECK: arith.maximumf
func.func @dense_few_tiles(%x: memref<128x784xf32>, %w: memref<784x256xf32>, %bias: memref<256xf32>, %pre: memref<128x256xf32>, %act: memref<128x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<256xf32>) outs(%pre : memref<128x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%x, %w : memref<128x784xf32>, memref<784x256xf32>) outs(%pre : memref<128x256xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%pre : memref<128x256xf32>) outs(%act : memref<128x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// CHECK-LABEL: func.func @f64
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul
func.func @f64(%a: memref<64x64xf64>, %b: memref<64x64xf64>, %c: memref<64x64xf64>) {
  linalg.matmul ins(%a, %b : memref<64x64xf64>, memref<64x64xf64>) outs(%c : memref<64x64xf64>)
  return
}

// A bias broadcast before the matmul and an activation after it (a dense
// layer): the accumulators start from the bias, the activation is computed
// on them before the stores; both linalg ops are gone. The output is still
// stored (the backward pass reads it).
// CHECK-LABEL: func.func @dense
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch
// CHECK-COUNT-32: memref.load %arg2[%{{.*}}] : memref<256xf32>
// CHECK: %[[SUMS:.*]]:32 = scf.for
// CHECK: memref.store %[[SUMS]]#0, %arg3
// CHECK: %[[RELU:.*]] = arith.maximumf %[[SUMS]]#0
// CHECK: memref.store %[[RELU]], %arg4
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
func.func @dense(%x: memref<128x512xf32>, %w: memref<512x256xf32>, %bias: memref<256xf32>, %pre: memref<128x256xf32>, %act: memref<128x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<256xf32>) outs(%pre : memref<128x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%x, %w : memref<128x512xf32>, memref<512x256xf32>) outs(%pre : memref<128x256xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%pre : memref<128x256xf32>) outs(%act : memref<128x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// An elementwise op that writes an operand of the matmul (other blocks may
// still read it) or reads the output transposed stays as it is.
// CHECK-LABEL: func.func @unsafe_epilogues
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK: gpu.launch
// CHECK: linalg.generic
func.func @unsafe_epilogues(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x64xf32>) outs(%a : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x64xf32>) outs(%b : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}
